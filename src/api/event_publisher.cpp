#include "api/event_publisher.hpp"

#include <boost/json/serialize.hpp>

#include "api/json_codec.hpp"
#include "api/topics.hpp"

namespace juttu::api {

namespace {

bus::Frame frame(const json::object& object) {
    return std::make_shared<const std::string>(json::serialize(object));
}

std::string_view reason_name(services::SiteAvailability::Reason reason) {
    switch (reason) {
        case services::SiteAvailability::Reason::outside_hours:
            return "outside_hours";
        case services::SiteAvailability::Reason::no_agents:
            return "no_agents";
        case services::SiteAvailability::Reason::open:
            break;
    }
    return "open";
}

}  // namespace

json::object to_json(const services::SiteAvailability& availability) {
    json::value next = nullptr;
    if (availability.next_opening_at) next = *availability.next_opening_at;
    return {{"online", availability.online},
            {"reason", reason_name(availability.reason)},
            {"next_opening_at", std::move(next)}};
}

json::object to_json(const services::QueuePlace& place) {
    json::value wait = nullptr;
    if (place.estimated_wait_ms) wait = *place.estimated_wait_ms / 1000;
    return {{"conversation_id", place.conversation_id},
            {"position", place.position},
            {"estimated_wait_s", std::move(wait)}};
}

void EventPublisher::publish(const std::string& topic, const json::object& event) {
    metrics_.events_published.fetch_add(1, std::memory_order_relaxed);
    bus_.publish(topic, frame(event));
}

void EventPublisher::agent_changed(const core::Agent& agent) {
    publish(topics::workspace(agent.workspace_id), {{"type", "agent"}, {"agent", to_json(agent)}});
}

void EventPublisher::note_added(const core::Conversation& conversation, const core::Note& note) {
    // Agents only: a note never reaches the visitor's topic.
    publish(topics::workspace(conversation.workspace_id),
            {{"type", "note"}, {"conversation_id", conversation.id}, {"note", to_json(note)}});
}

void EventPublisher::queue_moved(const services::QueuePlace& place) {
    auto event = to_json(place);
    event["type"] = "queue";
    publish(topics::contact(place.contact_id), event);
}

void EventPublisher::site_availability_changed(const core::Site& site,
                                               const services::SiteAvailability& availability) {
    auto event = to_json(availability);
    event["type"] = "site_status";
    publish(topics::site(site.id), event);
}

void EventPublisher::to_participants(const core::Conversation& conversation,
                                     const bus::Frame& event) {
    metrics_.events_published.fetch_add(1, std::memory_order_relaxed);
    bus_.publish(topics::workspace(conversation.workspace_id), event);
    bus_.publish(topics::contact(conversation.contact_id), event);
}

void EventPublisher::message_added(const core::Conversation& conversation,
                                   const core::Message& message) {
    to_participants(conversation, frame({{"type", "message"},
                                         {"conversation_id", conversation.id},
                                         {"message", to_json(message)}}));
}

void EventPublisher::conversation_changed(const core::Conversation& reported) {
    std::lock_guard order(conversation_order_);
    std::optional<core::Conversation> latest;
    if (latest_) latest = latest_(reported.workspace_id, reported.id);
    const core::Conversation& conversation = latest ? *latest : reported;
    std::string name;
    if (conversation.assignee_id && agent_names_) {
        name = agent_names_(conversation.workspace_id, *conversation.assignee_id);
    }
    auto encoded = to_json(conversation);
    encoded["assignee"] = assignee_json(conversation, name);
    to_participants(conversation, frame({{"type", "conversation"}, {"conversation", encoded}}));
}

void EventPublisher::typing(const core::Conversation& conversation, const services::Author& author,
                            bool active) {
    auto who = author_json(author.kind, author.id, author.name);
    const auto event = frame({{"type", "typing"},
                              {"conversation_id", conversation.id},
                              {"author", std::move(who)},
                              {"active", active}});
    if (author.kind == core::AuthorKind::visitor) {
        // Only agents care that the visitor types.
        metrics_.events_published.fetch_add(1, std::memory_order_relaxed);
        bus_.publish(topics::workspace(conversation.workspace_id), event);
    } else {
        to_participants(conversation, event);
    }
}

void EventPublisher::read_marked(const core::Conversation& conversation,
                                 const core::ReadMark& mark) {
    to_participants(conversation, frame({{"type", "read"},
                                         {"conversation_id", conversation.id},
                                         {"reader", author_json(mark.reader_kind, mark.reader_id)},
                                         {"seq", mark.seq}}));
}

void EventPublisher::page_viewed(const core::PageView& view) {
    metrics_.events_published.fetch_add(1, std::memory_order_relaxed);
    bus_.publish(topics::workspace(view.workspace_id), frame({{"type", "page_view"},
                                                              {"contact_id", view.contact_id},
                                                              {"url", view.url},
                                                              {"title", view.title},
                                                              {"referrer", view.referrer},
                                                              {"at", view.at}}));
}

void EventPublisher::contact_changed(const core::Contact& contact) {
    metrics_.events_published.fetch_add(1, std::memory_order_relaxed);
    bus_.publish(topics::workspace(contact.workspace_id),
                 frame({{"type", "contact"}, {"contact", to_json(contact)}}));
}

void EventPublisher::availability_changed(core::Id workspace_id, core::Id agent_id,
                                          core::Availability availability) {
    metrics_.events_published.fetch_add(1, std::memory_order_relaxed);
    bus_.publish(topics::workspace(workspace_id),
                 frame({{"type", "agent_status"},
                        {"agent_id", agent_id},
                        {"availability", core::to_string(availability)}}));
}

void EventPublisher::sessions_revoked(const std::vector<core::Id>& session_ids) {
    for (const auto id : session_ids) {
        bus_.terminate(topics::session(id), close_session_revoked, "session revoked");
    }
}

void EventPublisher::agent_revoked(core::Id agent_id) {
    bus_.terminate(topics::agent(agent_id), close_session_revoked, "session revoked");
}

}  // namespace juttu::api
