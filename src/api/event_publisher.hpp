// Turns committed changes into protocol frames, serialised once, and publishes them
// on the bus topics of the connections that must see them.
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "api/json_codec.hpp"
#include "api/metrics.hpp"
#include "bus/bus.hpp"
#include "services/events.hpp"

namespace juttu::api {

// The fields of a welcome's "availability" and of a "site_status" event.
json::object to_json(const services::SiteAvailability& availability);
// The fields of a welcome's "queue" and of a "queue" event.
json::object to_json(const services::QueuePlace& place);

class EventPublisher final : public services::EventSink {
public:
    EventPublisher(bus::Bus& bus, Metrics& metrics) : bus_(bus), metrics_(metrics) {}

    // An agent's display name (workspace, agent id), for the assignee of conversation
    // events; called on the thread that reports the change. Without it the name is empty.
    using AgentNames = std::function<std::string(core::Id, core::Id)>;
    void set_agent_names(AgentNames names) { agent_names_ = std::move(names); }
    // The conversation as committed now (workspace, id). Services report changes from
    // their own threads after the commit, so two changes of one conversation can be
    // reported in the other order (a claim's snapshot after the close that followed it);
    // each conversation event is therefore read anew, in one order, and clients never
    // see an older state after a newer one. Without it the reported snapshot is sent.
    using LatestConversation = std::function<std::optional<core::Conversation>(core::Id, core::Id)>;
    void set_latest_conversation(LatestConversation latest) { latest_ = std::move(latest); }

    void message_added(const core::Conversation& conversation,
                       const core::Message& message) override;
    void conversation_changed(const core::Conversation& conversation) override;
    void typing(const core::Conversation& conversation, const services::Author& author,
                bool active) override;
    void read_marked(const core::Conversation& conversation, const core::ReadMark& mark) override;
    void page_viewed(const core::PageView& view) override;
    void contact_changed(const core::Contact& contact) override;
    void availability_changed(core::Id workspace_id, core::Id agent_id,
                              core::Availability availability) override;
    void agent_changed(const core::Agent& agent) override;
    void note_added(const core::Conversation& conversation, const core::Note& note) override;
    void queue_moved(const services::QueuePlace& place) override;
    void site_availability_changed(const core::Site& site,
                                   const services::SiteAvailability& availability) override;
    void sessions_revoked(const std::vector<core::Id>& session_ids) override;
    void agent_revoked(core::Id agent_id) override;

    static constexpr std::uint16_t close_session_revoked = 4001;

private:
    // To the agents of the conversation's workspace and every tab of its visitor.
    void to_participants(const core::Conversation& conversation, const bus::Frame& frame);
    void publish(const std::string& topic, const json::object& event);

    bus::Bus& bus_;
    Metrics& metrics_;
    AgentNames agent_names_;
    LatestConversation latest_;
    std::mutex conversation_order_;  // held from reading a conversation to publishing it
};

}  // namespace juttu::api
