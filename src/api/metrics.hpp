// Process-wide counters for GET /metrics. Lock-free; updated from any thread.
#pragma once

#include <atomic>
#include <cstdint>

namespace juttu::api {

struct Metrics {
    std::atomic<std::uint64_t> messages_stored{0};
    std::atomic<std::uint64_t> frames_received{0};
    std::atomic<std::uint64_t> frames_rejected{0};
    std::atomic<std::uint64_t> frames_failed{0};  // the store failed: answered unavailable
    std::atomic<std::uint64_t> http_requests{0};
    std::atomic<std::uint64_t> events_published{0};
};

}  // namespace juttu::api
