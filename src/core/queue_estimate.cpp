#include "core/queue_estimate.hpp"

#include <algorithm>
#include <cstdint>

namespace juttu::core {
namespace {
constexpr TimeMs minute_ms = 60'000;
}  // namespace

TimeMs estimated_wait(int position, int serving_agents, TimeMs average_handle_time) {
    if (position <= 0) return 0;
    const TimeMs average = average_handle_time <= 0
                               ? default_average_handle_time
                               : std::min(average_handle_time, max_average_handle_time);
    const std::int64_t agents = std::max(1, serving_agents);
    // position * average <= 2^31 * 1.44e7 and agents * minute <= 2^31 * 6e4: no overflow.
    const std::int64_t numerator = std::int64_t{position} * average;
    const std::int64_t denominator = agents * minute_ms;
    return (numerator + denominator - 1) / denominator * minute_ms;
}

TimeMs rolling_average(TimeMs previous_average, TimeMs sample) {
    if (sample <= 0) return previous_average;
    sample = std::min(sample, max_average_handle_time);
    if (previous_average <= 0) return sample;
    const TimeMs previous = std::min(previous_average, max_average_handle_time);
    return previous + (sample - previous) / 8;
}

}  // namespace juttu::core
