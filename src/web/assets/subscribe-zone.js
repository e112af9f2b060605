// Progressive enhancement for the subscribe form: preselect the browser's time zone instead of
// UTC. Without JavaScript the field simply keeps UTC (or what the reader types).
(function () {
  'use strict';
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    return;
  }
  if (!zone) return;
  var fields = document.querySelectorAll('input[data-browser-zone]');
  for (var i = 0; i < fields.length; i++) {
    if (fields[i].value === 'UTC' || fields[i].value === '') fields[i].value = zone;
  }
})();
