// How long a queued visitor can expect to wait. An estimate shown to people, so it is simple
// enough to explain and never falsely precise.
#pragma once

#include "core/types.hpp"

namespace juttu::core {

inline constexpr TimeMs default_average_handle_time = 5 * 60'000;   // when there is no history
inline constexpr TimeMs max_average_handle_time = 4 * 60 * 60'000;  // one forgotten chat's cap

// The estimated wait of the visitor at position (1 = next) while serving_agents agents handle
// chats that last average_handle_time on average:
//
//     wait = position / max(1, serving_agents) * average_handle_time, rounded up to the minute
//
// i.e. the queue drains at serving_agents chats per average handle time. Counting chat slots
// (the agents' total capacity) instead of agents is equally valid if the caller prefers it.
// average_handle_time <= 0 means no history: default_average_handle_time is used; it is capped
// at max_average_handle_time. position <= 0 (not queued) gives 0; otherwise at least a minute.
TimeMs estimated_wait(int position, int serving_agents, TimeMs average_handle_time);

// The handle-time average after one more finished chat lasting sample: an exponentially
// weighted moving average that gives the new sample weight 1/8 (as TCP smooths round-trip
// times), so one unusual chat moves it little and old history fades. previous_average <= 0
// means no history yet: the result is the sample. Samples <= 0 are ignored; samples above
// max_average_handle_time count as that.
TimeMs rolling_average(TimeMs previous_average, TimeMs sample);

}  // namespace juttu::core
