// Internal notes: what agents tell each other about a conversation. Never sent to the
// visitor: only agents' connections hear of them (EventSink::note_added) and only the
// agent API lists them. Thread-safe; blocking.
#pragma once

#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "services/events.hpp"
#include "store/store.hpp"

namespace juttu::services {

class Notes {
public:
    Notes(store::Store& store, EventSink& events, const core::Clock& clock);

    core::Result<core::Note> add(const core::Agent& author, core::Id conversation_id,
                                 std::string body);
    core::Result<std::vector<core::Note>> list(core::Id workspace_id, core::Id conversation_id);

private:
    store::Store& store_;
    EventSink& events_;
    const core::Clock& clock_;
};

}  // namespace juttu::services
