// Runs background jobs at a fixed interval on a thread of its own, until destroyed.
//
// Each job runs every `every` ticks, guarded: a job that throws (its store failed) is
// reported to `on_error` and the others, and the next tick, still run. Nothing a job
// does can end the thread or the process.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace juttu::app {

struct TickerJob {
    std::string name;
    std::uint32_t every = 1;  // ticks
    std::function<void()> run;
};

class Ticker {
public:
    using ErrorHandler = std::function<void(std::string_view job, std::string_view what)>;

    Ticker(std::chrono::milliseconds interval, std::vector<TickerJob> jobs, ErrorHandler on_error)
        : jobs_(std::move(jobs)), on_error_(std::move(on_error)), thread_([this, interval] {
              std::unique_lock lock(mutex_);
              std::uint64_t tick = 0;
              while (!wake_.wait_for(lock, interval, [this] { return stopping_; })) {
                  lock.unlock();
                  run_jobs(jobs_, ++tick, on_error_);
                  lock.lock();
              }
          }) {}
    Ticker(const Ticker&) = delete;
    Ticker& operator=(const Ticker&) = delete;
    ~Ticker() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_one();
        thread_.join();
    }

    // The jobs due at `tick` (1, 2, ...), each guarded as above.
    static void run_jobs(const std::vector<TickerJob>& jobs, std::uint64_t tick,
                         const ErrorHandler& on_error) noexcept {
        for (const auto& job : jobs) {
            if (job.every == 0 || tick % job.every != 0) continue;
            try {
                job.run();
            } catch (const std::exception& error) {
                report(on_error, job.name, error.what());
            } catch (...) {
                report(on_error, job.name, "unknown exception");
            }
        }
    }

private:
    static void report(const ErrorHandler& on_error, std::string_view job,
                       std::string_view what) noexcept {
        try {
            if (on_error) on_error(job, what);
        } catch (...) {
            // A failing report (out of memory) must not end the ticker either.
        }
    }

    const std::vector<TickerJob> jobs_;
    const ErrorHandler on_error_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;  // guarded by mutex_
    std::thread thread_;     // last: starts after the members it uses
};

}  // namespace juttu::app
