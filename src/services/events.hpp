// What services announce after a change is committed. The api layer implements it
// (serialise once, publish on the bus); services stay free of JSON and sockets.
#pragma once

#include <string>
#include <vector>

#include "core/types.hpp"

namespace juttu::services {

struct Author {
    core::AuthorKind kind = core::AuthorKind::visitor;
    core::Id id = 0;
    std::string name;
};

class EventSink {
public:
    virtual ~EventSink() = default;
    virtual void message_added(const core::Conversation& conversation,
                               const core::Message& message) = 0;
    virtual void conversation_changed(const core::Conversation& conversation) = 0;
    virtual void typing(const core::Conversation& conversation, const Author& author,
                        bool active) = 0;
    virtual void read_marked(const core::Conversation& conversation,
                             const core::ReadMark& mark) = 0;
    virtual void page_viewed(const core::PageView& view) = 0;
    virtual void contact_changed(const core::Contact& contact) = 0;
    virtual void availability_changed(core::Id workspace_id, core::Id agent_id,
                                      core::Availability availability) = 0;
    // Closes the connections of these sessions, or of every session of the agent.
    virtual void sessions_revoked(const std::vector<core::Id>& session_ids) = 0;
    virtual void agent_revoked(core::Id agent_id) = 0;
};

}  // namespace juttu::services
