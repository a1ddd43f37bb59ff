// An EventSink for processes with no connections to tell (the admin CLI).
#pragma once

#include "services/events.hpp"

namespace juttu::app {

class SilentEvents final : public services::EventSink {
public:
    void message_added(const core::Conversation&, const core::Message&) override {}
    void conversation_changed(const core::Conversation&) override {}
    void typing(const core::Conversation&, const services::Author&, bool) override {}
    void read_marked(const core::Conversation&, const core::ReadMark&) override {}
    void page_viewed(const core::PageView&) override {}
    void contact_changed(const core::Contact&) override {}
    void availability_changed(core::Id, core::Id, core::Availability) override {}
    void sessions_revoked(const std::vector<core::Id>&) override {}
    void agent_revoked(core::Id) override {}
};

}  // namespace juttu::app
