// What services announce after a change is committed. The api layer implements it
// (serialise once, publish on the bus); services stay free of JSON and sockets. Services
// that react to changes (routing, the mailer) listen too, through an EventTee; each
// listener overrides what it cares about, the rest do nothing.
#pragma once

#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/types.hpp"

namespace juttu::services {

struct Author {
    core::AuthorKind kind = core::AuthorKind::visitor;
    core::Id id = 0;
    std::string name;
};

// Where a waiting visitor is: position 1 is next; 0 means an agent has taken the chat.
struct QueuePlace {
    core::Id workspace_id = 0;
    core::Id contact_id = 0;
    core::Id conversation_id = 0;
    int position = 0;
    // nullopt while no agent who could take the chat is online: no honest estimate exists.
    std::optional<core::TimeMs> estimated_wait_ms;
    bool operator==(const QueuePlace&) const = default;
};

// Whether a site's visitors can chat now (else the widget offers the offline form).
struct SiteAvailability {
    enum class Reason { open, outside_hours, no_agents };
    bool online = true;
    Reason reason = Reason::open;
    std::optional<core::TimeMs> next_opening_at;  // with outside_hours, within 14 days
    bool operator==(const SiteAvailability&) const = default;
};

class EventSink {
public:
    virtual ~EventSink() = default;
    virtual void message_added(const core::Conversation&, const core::Message&) {}
    virtual void conversation_changed(const core::Conversation&) {}
    virtual void typing(const core::Conversation&, const Author&, bool /*active*/) {}
    virtual void read_marked(const core::Conversation&, const core::ReadMark&) {}
    virtual void page_viewed(const core::PageView&) {}
    virtual void contact_changed(const core::Contact&) {}
    virtual void availability_changed(core::Id /*workspace_id*/, core::Id /*agent_id*/,
                                      core::Availability) {}
    // An admin changed the agent (capacity, languages, teams...).
    virtual void agent_changed(const core::Agent&) {}
    // An admin changed the site (routing mode, opening hours...).
    virtual void site_changed(const core::Site&) {}
    // Something routing depends on changed without a record to show for it (an agent or a
    // team removed: their chats are anyone's now).
    virtual void routing_changed(core::Id /*workspace_id*/) {}
    virtual void note_added(const core::Conversation&, const core::Note&) {}
    virtual void queue_moved(const QueuePlace&) {}
    virtual void site_availability_changed(const core::Site&, const SiteAvailability&) {}
    // Closes the connections of these sessions, or of every session of the agent.
    virtual void sessions_revoked(const std::vector<core::Id>& /*session_ids*/) {}
    virtual void agent_revoked(core::Id /*agent_id*/) {}
};

// Forwards every event to each listener, in order (the publisher first, so that clients
// hear of a change before anything that reacts to it).
// Calls every listener in turn. A listener that throws (its store failed) is reported
// and the others still hear of the change: the change itself is already committed, so
// neither the caller nor the next listener may be failed by it.
class EventTee final : public EventSink {
public:
    using ErrorHandler = std::function<void(std::string_view event, std::string_view what)>;

    void add(EventSink& listener) { listeners_.push_back(&listener); }
    // Set up before use, like the listeners.
    void on_error(ErrorHandler handler) { on_error_ = std::move(handler); }

    void message_added(const core::Conversation& c, const core::Message& m) override {
        each("message_added", [&](EventSink& l) { l.message_added(c, m); });
    }
    void conversation_changed(const core::Conversation& c) override {
        each("conversation_changed", [&](EventSink& l) { l.conversation_changed(c); });
    }
    void typing(const core::Conversation& c, const Author& a, bool active) override {
        each("typing", [&](EventSink& l) { l.typing(c, a, active); });
    }
    void read_marked(const core::Conversation& c, const core::ReadMark& m) override {
        each("read_marked", [&](EventSink& l) { l.read_marked(c, m); });
    }
    void page_viewed(const core::PageView& v) override {
        each("page_viewed", [&](EventSink& l) { l.page_viewed(v); });
    }
    void contact_changed(const core::Contact& c) override {
        each("contact_changed", [&](EventSink& l) { l.contact_changed(c); });
    }
    void availability_changed(core::Id w, core::Id a, core::Availability v) override {
        each("availability_changed", [&](EventSink& l) { l.availability_changed(w, a, v); });
    }
    void agent_changed(const core::Agent& a) override {
        each("agent_changed", [&](EventSink& l) { l.agent_changed(a); });
    }
    void site_changed(const core::Site& s) override {
        each("site_changed", [&](EventSink& l) { l.site_changed(s); });
    }
    void routing_changed(core::Id workspace_id) override {
        each("routing_changed", [&](EventSink& l) { l.routing_changed(workspace_id); });
    }
    void note_added(const core::Conversation& c, const core::Note& n) override {
        each("note_added", [&](EventSink& l) { l.note_added(c, n); });
    }
    void queue_moved(const QueuePlace& p) override {
        each("queue_moved", [&](EventSink& l) { l.queue_moved(p); });
    }
    void site_availability_changed(const core::Site& s, const SiteAvailability& a) override {
        each("site_availability_changed", [&](EventSink& l) { l.site_availability_changed(s, a); });
    }
    void sessions_revoked(const std::vector<core::Id>& ids) override {
        each("sessions_revoked", [&](EventSink& l) { l.sessions_revoked(ids); });
    }
    void agent_revoked(core::Id id) override {
        each("agent_revoked", [&](EventSink& l) { l.agent_revoked(id); });
    }

private:
    template <class Call>
    void each(std::string_view event, Call&& call) {
        for (auto* listener : listeners_) {
            try {
                call(*listener);
            } catch (const std::exception& error) {
                if (on_error_) on_error_(event, error.what());
            } catch (...) {
                if (on_error_) on_error_(event, "unknown exception");
            }
        }
    }

    std::vector<EventSink*> listeners_;  // set up before use, then only read
    ErrorHandler on_error_;
};

}  // namespace juttu::services
