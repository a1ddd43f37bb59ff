// The group-committing writer: one thread owns the write connection and runs every
// write. It drains whatever is queued (up to max_batch jobs) into one transaction,
// commits once, and only then runs the jobs' completions. One fsync thus covers a
// whole batch. A failing job rolls back alone: the batch first runs without
// savepoints (each costs a copy of every page the job touches), and only when a job
// throws is the transaction rolled back and the batch run again with a SAVEPOINT
// per job. Jobs must therefore be safe to run twice: they write only to the
// database and to their own result.
//
// Under load the writer waits a little for a batch to fill before it begins: each
// transaction writes every page its jobs touched, and a message touches pages spread
// over the file (its conversation's row and index entries), so ten messages to a
// commit write ~15 KB each to the WAL and a hundred ~2 KB. It waits only when jobs
// arrived during the last transactions fast enough that at least `gather_worth` more
// are expected within `gather_delay`, so a quiet server commits each job at once; and
// only while nobody is blocked on them: until `gather_target` jobs are queued,
// `gather_delay` has passed, or a job arrives that a thread is waiting for (run(): a
// request in progress, whose thread would otherwise be held that much longer).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "store/sqlite/sqlite_db.hpp"
#include "store/store.hpp"

namespace juttu::store::sqlite {

class Writer {
public:
    // Runs on the writer thread inside the batch transaction, possibly twice (see
    // above). Throwing rolls back this job's changes only.
    using Job = std::function<void(Database&)>;
    // Runs on the writer thread after the batch committed (or failed): nullptr when
    // the job's changes are durable, otherwise why they are not. Must not block.
    using Completion = std::function<void(std::exception_ptr)>;

    struct Options {
        std::size_t max_batch = 1024;
        // Jobs queued at most; submit() refuses more (StoreError), so callers answer
        // `unavailable` and nothing of the refused job is written.
        std::size_t max_queue = 50'000;
        // The longest a job waits for others to share its transaction; zero never waits.
        std::chrono::microseconds gather_delay{2000};
        std::size_t gather_target = 64;
        std::size_t gather_worth = 8;
        // Runs after each batch's completions, outside any transaction (upkeep such as
        // the checkpointer's tail, which then delays no batch's acknowledgements).
        std::function<void(Database&)> between_batches;
        // Work a transaction's jobs leave to be done once for all of them: on_begin runs
        // when a transaction began (forget what an earlier, rolled back one noted),
        // before_commit inside it after its jobs (throwing fails the transaction as a
        // failed COMMIT does). Both on the writer thread.
        std::function<void()> on_begin;
        std::function<void(Database&)> before_commit;
    };

    explicit Writer(std::unique_ptr<Database> db, Options options);
    explicit Writer(std::unique_ptr<Database> db) : Writer(std::move(db), Options{}) {}
    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;
    // Stops as stop() does.
    ~Writer();

    // Whether a thread blocks until the job's completion: such a job never waits for
    // others to share its transaction.
    enum class Caller { continues, waits };

    // Queues a job. Throws StoreError when the writer is stopped or max_queue jobs wait.
    void submit(Job job, Completion done, Caller caller = Caller::continues);

    // Runs fn(Database&) as a job and blocks until its batch committed; returns its
    // result or rethrows its (or the commit's) exception. Never call it from a job.
    template <class F>
    std::invoke_result_t<F&, Database&> run(F&& fn) {
        using Result = std::invoke_result_t<F&, Database&>;
        // Shared with the writer thread so nothing it touches dies with this frame.
        struct State {
            std::promise<Result> promise;
            std::conditional_t<std::is_void_v<Result>, bool, std::optional<Result>> value{};
        };
        auto state = std::make_shared<State>();
        std::future<Result> future = state->promise.get_future();
        submit(
            [state, &fn](Database& db) {
                if constexpr (std::is_void_v<Result>) {
                    fn(db);
                } else {
                    state->value.emplace(fn(db));
                }
            },
            [state](std::exception_ptr error) {
                if (error) {
                    state->promise.set_exception(error);
                } else if constexpr (std::is_void_v<Result>) {
                    state->promise.set_value();
                } else {
                    state->promise.set_value(std::move(*state->value));
                }
            },
            Caller::waits);
        return future.get();
    }

    // Finishes every queued job, then joins the thread. Idempotent.
    void stop();

    // Commits, completed jobs, the time each transaction took from BEGIN to the end of
    // COMMIT, and queue_depth: jobs submitted whose completion has not run yet.
    StoreStats stats() const;

private:
    struct Entry {
        Job job;
        Completion done;
    };

    // What one transaction did to entries[first, end): each job's own error (nullptr
    // when it ran), and a failure of the whole transaction, which fails every job.
    struct Outcome {
        std::size_t end = 0;
        std::vector<std::exception_ptr> errors;
        std::exception_ptr fatal;
    };

    void loop();
    // With the lock held and jobs queued: waits for a fuller batch when the jobs
    // expected meanwhile are worth it.
    void gather(std::unique_lock<std::mutex>& lock);
    void run_batch(std::vector<Entry>& batch);
    // Runs entries[first..] in one transaction; returns the index of the first entry
    // that was not run (entries.size() when all were).
    std::size_t run_transaction(std::vector<Entry>& entries, std::size_t first);
    // Every job without savepoints; nullopt (and nothing written) when one threw.
    std::optional<Outcome> run_unguarded(std::vector<Entry>& entries, std::size_t first);
    // Each job inside its own savepoint, up to the end or the first fatal error.
    Outcome run_guarded(std::vector<Entry>& entries, std::size_t first);
    // BEGIN IMMEDIATE; the error when even that failed.
    std::exception_ptr begin();
    // COMMIT, or ROLLBACK after `fatal`; returns the transaction's fatal error.
    std::exception_ptr finish(std::exception_ptr fatal);
    void rollback();
    void record(double seconds, std::size_t jobs, bool committed);

    std::unique_ptr<Database> db_;
    Options options_;

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Entry> queue_;
    bool stopping_ = false;
    bool gathering_ = false;
    bool committing_ = false;     // the writer thread's own COMMIT runs (see the commit hook)
    bool someone_waits_ = false;  // a queued job's caller is blocked on it
    // Jobs expected within gather_delay, judged by those that arrived while the last
    // transactions ran.
    double expected_ = 0;
    StoreStats stats_;  // guarded by mutex_

    std::mutex stop_mutex_;
    std::thread thread_;
};

}  // namespace juttu::store::sqlite
