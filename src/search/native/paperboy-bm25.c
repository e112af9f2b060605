/*
** pb_bm25: SQLite FTS5's bm25() with the per-phrase document counts passed in.
**
** FTS5's own bm25() counts, on every query, the rows that contain each phrase (to compute its IDF)
** by walking the phrase's whole doclist: for a word in 60% of a million papers that is most of the
** query's cost, even when only a few rows are scored. paperboy caches those counts and passes them
** here, so a query only pays for the rows it ranks. Everything else is FTS5's bm25() line for line
** (SQLite 3.53 ext/fts5/fts5_aux.c), so scores are identical to bm25() when the counts are exact.
**
**   pb_bm25(w0, ..., w{nCol-1}, n0, ..., n{nPhrase-1})
**
** w: column weights (as bm25()); n: number of rows matching phrase i. Missing or NULL counts are
** counted the way bm25() counts them. A negative count marks a filter phrase (a category pushed
** into the MATCH to narrow the rows walked): it adds exactly 0 to the score, so the scores of the
** query's own phrases are those of the query without it. Used as `rank MATCH 'pb_bm25(…)'` or
** `pb_bm25(paper_fts, …)`.
*/
#include <math.h>
#include <string.h>
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT1

/*
** Document lengths, cached per connection. bm25 needs each scored row's length, which FTS5 reads
** from its %_docsize table with one statement step per row: most of the cost of scoring a row.
** The cache is indexed by rowid and holds length + 1 (0: not known yet). It is emptied whenever
** a length may have changed: a row of an FTS5 %_docsize table written through this connection
** (seen by an update hook, at once, committed or not; writes to other tables, such as votes,
** keep it), a commit by another connection (PRAGMA data_version moved), or a table with other row
** or token totals (another FTS5 table). Rowids from PB_MAX_CACHED on are not cached (at most 64 MiB per connection).
*/
#define PB_MAX_CACHED (1 << 24)
typedef struct PbSizeCache PbSizeCache;
struct PbSizeCache {
  sqlite3 *db;
  sqlite3_int64 nWrite;       /* %_docsize rows written through this connection */
  sqlite3_int64 nChange;      /* nWrite when the cache was last checked */
  sqlite3_int64 dataVersion;
  sqlite3_int64 nRow;
  sqlite3_int64 nToken;
  unsigned int *aSize;
  sqlite3_int64 nAlloc;
};

/*
** Called when the connection closes (FTS5 drops its functions then) or when a later load of this
** extension replaces pb_bm25, after it has pointed the update hook at its own cache: either way
** nothing calls the hook with this cache again.
*/
static void pbSizeCacheFree(void *p){
  PbSizeCache *c = (PbSizeCache*)p;
  if( c ){
    sqlite3_free(c->aSize);
    sqlite3_free(c);
  }
}

/* Counts writes to FTS5 document-size tables (rowid tables, so the hook sees every row). */
static void pbUpdateHook(void *p, int op, const char *zDb, const char *zTab, sqlite3_int64 iRowid){
  PbSizeCache *c = (PbSizeCache*)p;
  size_t n = strlen(zTab);
  (void)op; (void)zDb; (void)iRowid;
  if( n>=8 && sqlite3_stricmp(&zTab[n-8], "_docsize")==0 ) c->nWrite++;
}

/* Empties the cache unless nothing can have changed since it was filled. */
static void pbSizeCacheCheck(PbSizeCache *c, sqlite3_int64 nRow, sqlite3_int64 nToken){
  sqlite3_int64 nChange = c->nWrite;
  /* PRAGMA data_version moves on commits by other connections only (not on this one's votes). */
  sqlite3_int64 dataVersion = -1;  /* unknown: never trust the cache */
  sqlite3_stmt *pStmt = 0;
  if( sqlite3_prepare_v2(c->db, "PRAGMA main.data_version", -1, &pStmt, 0)==SQLITE_OK
   && sqlite3_step(pStmt)==SQLITE_ROW ){
    dataVersion = sqlite3_column_int64(pStmt, 0);
  }
  sqlite3_finalize(pStmt);
  if( nChange!=c->nChange || dataVersion<0 || dataVersion!=c->dataVersion || nRow!=c->nRow
   || nToken!=c->nToken ){
    if( c->aSize ) memset(c->aSize, 0, c->nAlloc * sizeof(unsigned int));
    c->nChange = nChange;
    c->dataVersion = dataVersion;
    c->nRow = nRow;
    c->nToken = nToken;
  }
}

/* The row's length in tokens (all columns), from the cache when known. */
static int pbDocSize(PbSizeCache *c, const Fts5ExtensionApi *pApi, Fts5Context *pFts, int *pnTok){
  sqlite3_int64 iRowid = pApi->xRowid(pFts);
  int rc;
  if( c && iRowid>=0 && iRowid<c->nAlloc && c->aSize[iRowid]!=0 ){
    *pnTok = (int)(c->aSize[iRowid] - 1);
    return SQLITE_OK;
  }
  rc = pApi->xColumnSize(pFts, -1, pnTok);
  if( rc==SQLITE_OK && c && iRowid>=0 && iRowid<PB_MAX_CACHED && *pnTok>=0 ){
    if( iRowid>=c->nAlloc ){
      sqlite3_int64 nNew = c->nAlloc ? c->nAlloc : 4096;
      unsigned int *aNew;
      while( nNew<=iRowid ) nNew *= 2;
      if( nNew>PB_MAX_CACHED ) nNew = PB_MAX_CACHED;
      aNew = (unsigned int*)sqlite3_realloc64(c->aSize, nNew * sizeof(unsigned int));
      if( aNew==0 ) return SQLITE_OK;  /* no memory for the cache: just not cached */
      memset(&aNew[c->nAlloc], 0, (nNew - c->nAlloc) * sizeof(unsigned int));
      c->aSize = aNew;
      c->nAlloc = nNew;
    }
    c->aSize[iRowid] = (unsigned int)*pnTok + 1;
  }
  return rc;
}

typedef struct PbBm25Data PbBm25Data;
struct PbBm25Data {
  int nPhrase;
  double avgdl;
  double *aIDF;
  double *aFreq;
};

static int pbCountCb(const Fts5ExtensionApi *pApi, Fts5Context *pFts, void *pUserData){
  (void)pApi; (void)pFts;
  (*(sqlite3_int64*)pUserData)++;
  return SQLITE_OK;
}

static int pbBm25GetData(
  const Fts5ExtensionApi *pApi, Fts5Context *pFts, int nVal, sqlite3_value **apVal, PbBm25Data **ppData
){
  int rc = SQLITE_OK;
  PbBm25Data *p = (PbBm25Data*)pApi->xGetAuxdata(pFts, 0);
  if( p==0 ){
    int nPhrase = pApi->xPhraseCount(pFts);
    int nCol = pApi->xColumnCount(pFts);
    sqlite3_int64 nRow = 0;
    sqlite3_int64 nToken = 0;
    int i;
    p = (PbBm25Data*)sqlite3_malloc64(sizeof(PbBm25Data) + nPhrase*2*sizeof(double));
    if( p==0 ) return SQLITE_NOMEM;
    memset(p, 0, sizeof(PbBm25Data) + nPhrase*2*sizeof(double));
    p->nPhrase = nPhrase;
    p->aIDF = (double*)&p[1];
    p->aFreq = &p->aIDF[nPhrase];
    rc = pApi->xRowCount(pFts, &nRow);
    if( rc==SQLITE_OK ) rc = pApi->xColumnTotalSize(pFts, -1, &nToken);
    if( rc==SQLITE_OK ) p->avgdl = (double)nToken / (double)nRow;
    if( rc==SQLITE_OK && pApi->xUserData(pFts) ){
      pbSizeCacheCheck((PbSizeCache*)pApi->xUserData(pFts), nRow, nToken);  /* once per query */
    }
    for(i=0; rc==SQLITE_OK && i<nPhrase; i++){
      sqlite3_int64 nHit = 0;
      int iArg = nCol + i;
      if( iArg<nVal && sqlite3_value_type(apVal[iArg])!=SQLITE_NULL ){
        nHit = sqlite3_value_int64(apVal[iArg]);
      }else{
        rc = pApi->xQueryPhrase(pFts, i, (void*)&nHit, pbCountCb);
      }
      if( rc==SQLITE_OK && nHit<0 ){
        p->aIDF[i] = 0.0;  /* a filter phrase: it narrows the rows, it does not score */
      }else if( rc==SQLITE_OK ){
        double idf = log( (nRow - nHit + 0.5) / (nHit + 0.5) );
        if( idf<=0.0 ) idf = 1e-6;
        p->aIDF[i] = idf;
      }
    }
    if( rc!=SQLITE_OK ){
      sqlite3_free(p);
    }else{
      rc = pApi->xSetAuxdata(pFts, p, sqlite3_free);
    }
    if( rc!=SQLITE_OK ) p = 0;
  }
  *ppData = p;
  return rc;
}

static void pbBm25Function(
  const Fts5ExtensionApi *pApi, Fts5Context *pFts, sqlite3_context *pCtx, int nVal, sqlite3_value **apVal
){
  const double k1 = 1.2;
  const double b = 0.75;
  int rc;
  double score = 0.0;
  PbBm25Data *pData;
  int i;
  int nInst = 0;
  double D = 0.0;
  double *aFreq = 0;
  int nCol = pApi->xColumnCount(pFts);

  rc = pbBm25GetData(pApi, pFts, nVal, apVal, &pData);
  if( rc==SQLITE_OK ){
    aFreq = pData->aFreq;
    memset(aFreq, 0, sizeof(double) * pData->nPhrase);
    rc = pApi->xInstCount(pFts, &nInst);
  }
  for(i=0; rc==SQLITE_OK && i<nInst; i++){
    int ip; int ic; int io;
    rc = pApi->xInst(pFts, i, &ip, &ic, &io);
    if( rc==SQLITE_OK ){
      double w = (nVal > ic && ic < nCol) ? sqlite3_value_double(apVal[ic]) : 1.0;
      aFreq[ip] += w;
    }
  }
  if( rc==SQLITE_OK ){
    int nTok;
    rc = pbDocSize((PbSizeCache*)pApi->xUserData(pFts), pApi, pFts, &nTok);
    D = (double)nTok;
  }
  if( rc==SQLITE_OK ){
    for(i=0; i<pData->nPhrase; i++){
      score += pData->aIDF[i] * (
          ( aFreq[i] * (k1 + 1.0) ) /
          ( aFreq[i] + k1 * (1 - b + b * D / pData->avgdl) )
      );
    }
    sqlite3_result_double(pCtx, -1.0 * score);
  }else{
    sqlite3_result_error_code(pCtx, rc);
  }
}

static fts5_api *pbFts5Api(sqlite3 *db){
  fts5_api *pRet = 0;
  sqlite3_stmt *pStmt = 0;
  if( SQLITE_OK==sqlite3_prepare(db, "SELECT fts5(?1)", -1, &pStmt, 0) ){
    sqlite3_bind_pointer(pStmt, 1, (void*)&pRet, "fts5_api_ptr", 0);
    sqlite3_step(pStmt);
  }
  sqlite3_finalize(pStmt);
  return pRet;
}

#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_paperboybm25_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi){
  fts5_api *fts5;
  PbSizeCache *cache;
  SQLITE_EXTENSION_INIT2(pApi);
  fts5 = pbFts5Api(db);
  if( fts5==0 || fts5->iVersion<2 ){
    *pzErrMsg = sqlite3_mprintf("pb_bm25 needs FTS5");
    return SQLITE_ERROR;
  }
  cache = (PbSizeCache*)sqlite3_malloc64(sizeof(PbSizeCache));
  if( cache==0 ) return SQLITE_NOMEM;
  memset(cache, 0, sizeof(PbSizeCache));
  cache->db = db;
  cache->nChange = -1;
  sqlite3_update_hook(db, pbUpdateHook, (void*)cache);
  return fts5->xCreateFunction(fts5, "pb_bm25", (void*)cache, pbBm25Function, pbSizeCacheFree);
}
