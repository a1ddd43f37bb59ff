// What counts as a visit: a session of page views. A visitor who comes back after
// visit_gap without a page view (or a hello) starts a new visit; reloads, new tabs and
// reconnects within it are the same one.
#pragma once

#include "core/types.hpp"

namespace juttu::core {

inline constexpr TimeMs visit_gap_ms = 30 * 60 * 1000;

// Whether activity at `now` starts a new visit after the contact was last seen at
// `last_seen`. A clock that went back is the same visit.
constexpr bool starts_new_visit(TimeMs last_seen, TimeMs now) {
    return now - last_seen >= visit_gap_ms;
}

}  // namespace juttu::core
