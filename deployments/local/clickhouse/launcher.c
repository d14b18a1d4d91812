/*
 * Runs the ClickHouse engine shipped as libchdb.so as a local server:
 * chdb_query_cmdline() is clickhouse-local, and deployments/local/services
 * passes it options that open the native and HTTP ports plus a keepalive query
 * that runs until `KILL QUERY WHERE query_id='keepalive'`.
 */
#include <stdio.h>
#include <string.h>

typedef struct chdb_result chdb_result;
extern chdb_result *chdb_query_cmdline(int argc, char **argv);
extern const char *chdb_result_error(chdb_result *result);

int main(int argc, char **argv) {
    chdb_result *result = chdb_query_cmdline(argc, argv);
    const char *err = result ? chdb_result_error(result) : "no result";
    if (err == NULL || *err == '\0' || strstr(err, "QUERY_WAS_CANCELLED") != NULL)
        return 0; /* the keepalive query was killed: a clean stop */
    fprintf(stderr, "clickhouse: %s\n", err);
    return 1;
}
