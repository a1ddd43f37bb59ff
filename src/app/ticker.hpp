// Runs a function at a fixed interval on a thread of its own, until destroyed.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace juttu::app {

class Ticker {
public:
    Ticker(std::chrono::milliseconds interval, std::function<void()> tick)
        : thread_([this, interval, tick = std::move(tick)] {
              std::unique_lock lock(mutex_);
              while (!wake_.wait_for(lock, interval, [this] { return stopping_; })) {
                  lock.unlock();
                  tick();
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

private:
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;  // guarded by mutex_
    std::thread thread_;     // last: starts after the members it uses
};

}  // namespace juttu::app
