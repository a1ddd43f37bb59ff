#include "services/auth/password_gate.hpp"

#include <algorithm>
#include <stdexcept>

namespace juttu::services {

PasswordGate::PasswordGate(Limits limits) : limits_(limits) {
    if (limits_.running == 0) throw std::invalid_argument("a password gate needs a slot");
}

std::optional<PasswordGate::Permit> PasswordGate::enter() {
    std::unique_lock lock(mutex_);
    if (running_ < limits_.running && queue_.empty()) {
        ++running_;
        return Permit(this);
    }
    if (queue_.size() >= limits_.waiting) return std::nullopt;
    Waiter me;
    queue_.push_back(&me);
    if (me.turn.wait_for(lock, limits_.max_wait, [&] { return me.granted; })) {
        return Permit(this);  // leave() passed its slot on: running_ already counts it
    }
    queue_.erase(std::find(queue_.begin(), queue_.end(), &me));
    return std::nullopt;
}

void PasswordGate::leave() {
    std::lock_guard lock(mutex_);
    if (queue_.empty()) {
        --running_;
        return;
    }
    Waiter* next = queue_.front();
    queue_.pop_front();
    next->granted = true;
    next->turn.notify_one();
}

std::size_t PasswordGate::running() const {
    std::lock_guard lock(mutex_);
    return running_;
}

std::size_t PasswordGate::waiting() const {
    std::lock_guard lock(mutex_);
    return queue_.size();
}

}  // namespace juttu::services
