/*
 * Runs the ClickHouse engine shipped as libchdb.so as a local server:
 * chdb_query_cmdline() is clickhouse-local, and deployments/local/services
 * passes it options that open the native and HTTP ports plus a keepalive query
 * that runs until `KILL QUERY WHERE query_id='keepalive'`.
 *
 * The engine runs in a child process that this one restarts when it dies
 * abnormally: in this embedded mode a client that disconnects in the middle
 * of an INSERT (a killed process) can abort the whole engine with an
 * uncaught "Connection reset by peer". The data directory survives, so a
 * restart within a second is what a real server's resilience looks like
 * to the tests. A clean stop (the keepalive query killed, exit 0) or a
 * SIGTERM/SIGINT to this process ends it for good.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct chdb_result chdb_result;
extern chdb_result *chdb_query_cmdline(int argc, char **argv);
extern const char *chdb_result_error(chdb_result *result);

static volatile sig_atomic_t stopping = 0;
static volatile pid_t child = 0;

static void forward(int sig) {
    stopping = 1;
    if (child > 0)
        kill(child, sig);
}

static int serve(int argc, char **argv) {
    chdb_result *result = chdb_query_cmdline(argc, argv);
    const char *err = result ? chdb_result_error(result) : "no result";
    if (err == NULL || *err == '\0' || strstr(err, "QUERY_WAS_CANCELLED") != NULL)
        return 0; /* the keepalive query was killed: a clean stop */
    fprintf(stderr, "clickhouse: %s\n", err);
    return 1;
}

int main(int argc, char **argv) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = forward;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    for (;;) {
        pid_t pid = fork();
        if (pid < 0) {
            perror("clickhouse: fork");
            return 1;
        }
        if (pid == 0) {
            signal(SIGTERM, SIG_DFL);
            signal(SIGINT, SIG_DFL);
            _exit(serve(argc, argv));
        }
        child = pid;
        int status = 0;
        while (waitpid(pid, &status, 0) < 0)
            ; /* interrupted by a forwarded signal: wait again */
        child = 0;
        if (stopping || (WIFEXITED(status) && WEXITSTATUS(status) == 0))
            return WIFEXITED(status) ? WEXITSTATUS(status) : 0;
        fprintf(stderr, "clickhouse: engine ended abnormally (%s %d); restarting\n",
                WIFSIGNALED(status) ? "signal" : "status",
                WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
        struct timespec pause = {0, 300 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
}
