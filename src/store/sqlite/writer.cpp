#include "store/sqlite/writer.hpp"

#include <pthread.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <iterator>

namespace juttu::store::sqlite {

Writer::Writer(std::unique_ptr<Database> db, Options options)
    : db_(std::move(db)), options_(options) {
    // Statement and savepoint journals in memory: in a file they cost a write() per page
    // a savepoint touches (−19 % writer throughput). Only this connection needs it.
    db_->exec("PRAGMA temp_store=MEMORY");
    // Only the writer's own COMMIT may commit: a statement a job runs after sqlite
    // rolled its transaction back (disk full, I/O) would otherwise commit on its own.
    sqlite3_commit_hook(
        db_->handle(), [](void* self) { return static_cast<Writer*>(self)->committing_ ? 0 : 1; },
        this);
    options_.max_batch = std::max<std::size_t>(options_.max_batch, 1);
    options_.gather_target = std::clamp<std::size_t>(options_.gather_target, 1, options_.max_batch);
    thread_ = std::thread([this] {
        pthread_setname_np(pthread_self(), "juttu-writer");  // as top -H and perf show it
        loop();
    });
}

Writer::~Writer() { stop(); }

void Writer::submit(Job job, Completion done, Caller caller) {
    bool wake = false;
    {
        std::lock_guard lock(mutex_);
        if (stopping_) throw StoreError("sqlite: the store is closed");
        // Bounded, so that a flood the disk cannot keep up with is refused at once
        // (nothing of it queued or written) instead of growing memory and every wait.
        if (queue_.size() >= options_.max_queue) {
            throw StoreError("sqlite: the store is busy (too many writes queued)");
        }
        queue_.push_back(Entry{std::move(job), std::move(done)});
        ++stats_.queue_depth;
        someone_waits_ = someone_waits_ || caller == Caller::waits;
        // Only an idle writer, or one gathering a batch that is now full or waited
        // for, needs waking.
        wake = gathering_ ? queue_.size() == options_.gather_target || caller == Caller::waits
                          : queue_.size() == 1;
    }
    if (wake) wake_.notify_one();
}

void Writer::stop() {
    std::lock_guard stop_lock(stop_mutex_);
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

StoreStats Writer::stats() const {
    std::lock_guard lock(mutex_);
    return stats_;
}

void Writer::loop() {
    std::vector<Entry> batch;
    batch.reserve(options_.max_batch);
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            // Stopping only ends the loop once everything queued has run.
            if (queue_.empty()) return;
            gather(lock);
            auto count = static_cast<std::ptrdiff_t>(std::min(options_.max_batch, queue_.size()));
            batch.assign(std::make_move_iterator(queue_.begin()),
                         std::make_move_iterator(queue_.begin() + count));
            queue_.erase(queue_.begin(), queue_.begin() + count);
            // Conservative: a waited-for job left behind (max_batch) ends the next
            // gathering too, since nobody tracks which job it was.
            someone_waits_ = !queue_.empty() && someone_waits_;
        }
        run_batch(batch);
        batch.clear();
        if (options_.between_batches) options_.between_batches(*db_);
    }
}

void Writer::gather(std::unique_lock<std::mutex>& lock) {
    const std::size_t target = options_.gather_target;
    if (stopping_ || queue_.size() >= target ||
        expected_ < static_cast<double>(options_.gather_worth)) {
        return;
    }
    gathering_ = true;
    wake_.wait_for(lock, options_.gather_delay, [this, target] {
        return stopping_ || someone_waits_ || queue_.size() >= target;
    });
    gathering_ = false;
}

void Writer::run_batch(std::vector<Entry>& batch) {
    std::size_t next = 0;
    while (next < batch.size()) next = run_transaction(batch, next);
}

std::size_t Writer::run_transaction(std::vector<Entry>& entries, std::size_t first) {
    auto started = std::chrono::steady_clock::now();
    std::optional<Outcome> outcome = run_unguarded(entries, first);
    if (!outcome) outcome = run_guarded(entries, first);

    auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started);
    record(seconds.count(), outcome->end - first, !outcome->fatal);

    for (std::size_t i = first; i < outcome->end; ++i) {
        const std::exception_ptr& error = outcome->errors[i - first];
        try {
            entries[i].done(error ? error : outcome->fatal);
        } catch (...) {
            // Completions must not throw; one that does cannot undo the commit and
            // must not stop the others from running.
        }
    }
    return outcome->end;
}

std::optional<Writer::Outcome> Writer::run_unguarded(std::vector<Entry>& entries,
                                                     std::size_t first) {
    Outcome outcome;
    outcome.end = entries.size();
    outcome.errors.assign(outcome.end - first, nullptr);
    outcome.fatal = begin();
    // Nothing can be written now; fail the whole batch rather than spin.
    if (outcome.fatal) return outcome;
    for (std::size_t i = first; i < entries.size(); ++i) {
        try {
            entries[i].job(*db_);
        } catch (...) {
            rollback();
            return std::nullopt;
        }
        // A job that caught an error sqlite answered by rolling the whole transaction
        // back (disk full, I/O): the batch must not go on outside a transaction.
        if (db_->autocommit()) return std::nullopt;
    }
    outcome.fatal = finish(nullptr);
    return outcome;
}

Writer::Outcome Writer::run_guarded(std::vector<Entry>& entries, std::size_t first) {
    Outcome outcome;
    outcome.end = first;
    outcome.fatal = begin();
    if (outcome.fatal) {
        outcome.end = entries.size();
        outcome.errors.assign(outcome.end - first, nullptr);
        return outcome;
    }
    while (outcome.end < entries.size() && !outcome.fatal) {
        std::exception_ptr error;
        try {
            // Statements the writer runs again and again are prepared once and cached
            // (here and in begin, finish and rollback): exec() would parse them each
            // time, and the parser's allocation made malloc consolidate its free lists.
            db_->prepare("SAVEPOINT job").run();
            entries[outcome.end].job(*db_);
            db_->prepare("RELEASE job").run();
        } catch (...) {
            error = std::current_exception();
            try {
                // Some errors (disk full, I/O) make sqlite roll back the whole
                // transaction itself; then there is no savepoint left to undo.
                if (!db_->autocommit()) db_->exec("ROLLBACK TO job; RELEASE job");
                if (db_->autocommit()) outcome.fatal = error;
            } catch (...) {
                outcome.fatal = std::current_exception();
            }
        }
        outcome.errors.push_back(error);
        ++outcome.end;
    }
    outcome.fatal = finish(outcome.fatal);
    return outcome;
}

std::exception_ptr Writer::begin() {
    try {
        db_->prepare("BEGIN IMMEDIATE").run();
        if (options_.on_begin) options_.on_begin();
    } catch (...) {
        return std::current_exception();
    }
    return nullptr;
}

std::exception_ptr Writer::finish(std::exception_ptr fatal) {
    if (!fatal && options_.before_commit) {
        try {
            options_.before_commit(*db_);
        } catch (...) {
            fatal = std::current_exception();
        }
    }
    if (!fatal) {
        committing_ = true;
        try {
            db_->prepare("COMMIT").run();
        } catch (...) {
            fatal = std::current_exception();
        }
        committing_ = false;
    }
    if (fatal) rollback();
    return fatal;
}

void Writer::rollback() {
    if (db_->autocommit()) return;
    try {
        db_->prepare("ROLLBACK").run();
    } catch (...) {
        // The caller reports the error that led here; the next BEGIN fails if the
        // connection is broken.
    }
}

void Writer::record(double seconds, std::size_t jobs, bool committed) {
    std::lock_guard lock(mutex_);
    // Measured before the completions run: a job submitted only once its predecessor
    // committed (one client writing in turn) must not count as arriving meanwhile.
    // Smoothed over transactions, so that two jobs meeting by chance do not start the
    // waiting on their own.
    const double delay = std::chrono::duration<double>(options_.gather_delay).count();
    const double expected = seconds > 0 ? static_cast<double>(queue_.size()) / seconds * delay : 0;
    expected_ = 0.75 * expected_ + 0.25 * expected;
    stats_.writes += jobs;
    stats_.queue_depth -= std::min<std::uint64_t>(stats_.queue_depth, jobs);
    if (!committed) return;
    ++stats_.commits;
    stats_.commit_seconds_sum += seconds;
    const auto& bounds = StoreStats::bucket_bounds;
    auto bucket = static_cast<std::size_t>(std::lower_bound(bounds.begin(), bounds.end(), seconds) -
                                           bounds.begin());
    ++stats_.commit_buckets[bucket];
}

}  // namespace juttu::store::sqlite
