// An EventSink for processes with no connections to tell (the admin CLI): every event
// does nothing.
#pragma once

#include "services/events.hpp"

namespace juttu::app {

class SilentEvents final : public services::EventSink {};

}  // namespace juttu::app
