// The scalar types every layer shares: ids, sequence numbers, times.
#pragma once

#include <cstdint>

namespace juttu::core {

using Id = std::int64_t;
using Seq = std::int64_t;
// Milliseconds since the Unix epoch, UTC.
using TimeMs = std::int64_t;

}  // namespace juttu::core
