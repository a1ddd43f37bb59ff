// BusinessHours' weekly intervals and exceptions as one line of text, for storage:
//
//     480-960,1020-1200|480-960|||||;2026-12-24=;2026-12-27=600-840
//
// seven '|'-separated days (Monday first) of "open-close" minutes, then ';' and one
// "YYYY-MM-DD=intervals" per exception. The zone and always_open are kept beside it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/business_hours.hpp"

namespace juttu::core {

std::string encode_schedule(const BusinessHours& hours);
// Fills weekly and exceptions; nullopt when the text is not in the form above.
std::optional<BusinessHours> decode_schedule(std::string_view text);

// An exception's date <-> "2026-12-24" (only the form: business_hours_problem checks that
// the date exists). parse_date leaves the intervals alone and is false for other text.
std::string format_date(const DateException& exception);
bool parse_date(std::string_view text, DateException& exception);

// "08:30" <-> 510; "24:00" is 1440. nullopt for anything else.
std::optional<int> parse_clock(std::string_view text);
std::string format_clock(int minute);

}  // namespace juttu::core
