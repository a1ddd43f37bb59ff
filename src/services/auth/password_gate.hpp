// Bounds the argon2 computations running at once, and the callers waiting for a turn.
// Each computation holds 19 MiB for about 0.1 s and a blocking-pool thread: unbounded, a
// flood of logins grows memory by 19 MiB per request in flight and ties up every worker.
// Callers past the bound are turned away at once, and a turn that does not come within
// max_wait is given up, so no caller waits long for an answer.
//
// Turns are handed out first come, first served: a leaving permit passes its slot straight
// to the longest waiter, so a stream of new callers cannot starve it.
//
// Thread-safe. enter() blocks for up to max_wait: call it off the event loops.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>

namespace juttu::services {

class PasswordGate {
public:
    struct Limits {
        std::size_t running = 2;  // computations at once; at least 1
        std::size_t waiting = 8;  // callers queued for a turn; 0: nobody waits
        std::chrono::milliseconds max_wait{2000};
    };

    // One turn; the slot is free again when the permit is destroyed.
    class Permit {
    public:
        Permit(Permit&& other) noexcept : gate_(other.gate_) { other.gate_ = nullptr; }
        Permit& operator=(Permit&&) = delete;
        Permit(const Permit&) = delete;
        Permit& operator=(const Permit&) = delete;
        ~Permit() {
            if (gate_ != nullptr) gate_->leave();
        }

    private:
        friend class PasswordGate;
        explicit Permit(PasswordGate* gate) : gate_(gate) {}
        PasswordGate* gate_;
    };

    explicit PasswordGate(Limits limits);
    PasswordGate(const PasswordGate&) = delete;
    PasswordGate& operator=(const PasswordGate&) = delete;

    // A turn, or nullopt when the queue is full or no turn came within max_wait.
    std::optional<Permit> enter();

    std::size_t running() const;
    std::size_t waiting() const;

private:
    struct Waiter {
        std::condition_variable turn;
        bool granted = false;
    };

    void leave();

    const Limits limits_;
    mutable std::mutex mutex_;
    std::size_t running_ = 0;    // guarded by mutex_
    std::deque<Waiter*> queue_;  // guarded by mutex_; oldest first
};

}  // namespace juttu::services
