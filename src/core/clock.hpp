// Time is injected so that expiry and timeouts are testable without sleeping.
#pragma once

#include <chrono>

#include "core/types.hpp"

namespace juttu::core {

class Clock {
public:
    virtual ~Clock() = default;
    virtual TimeMs now_ms() const = 0;
};

class SystemClock final : public Clock {
public:
    TimeMs now_ms() const override {
        using namespace std::chrono;
        return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    }
};

}  // namespace juttu::core
