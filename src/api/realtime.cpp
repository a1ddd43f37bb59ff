#include "api/realtime.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/json/serialize.hpp>

#include "api/error_names.hpp"
#include "api/event_publisher.hpp"
#include "api/json_codec.hpp"
#include "api/topics.hpp"
#include "core/site_texts.hpp"
#include "core/validation.hpp"

namespace juttu::api {

namespace {

constexpr std::uint16_t close_policy = 1008;
constexpr std::uint16_t close_try_again = 1013;
constexpr int default_sync_limit = 200;
constexpr auto hello_timeout = std::chrono::seconds(10);

// The protocol names two errors after what the client did wrong: a bad frame or token.
std::string_view frame_code(core::ErrorCode code) {
    switch (code) {
        case core::ErrorCode::validation_failed:
            return "bad_frame";
        case core::ErrorCode::unauthorized:
        case core::ErrorCode::invalid_credentials:
            return "bad_token";
        default:
            return error_code_name(code);
    }
}

json::object error_frame(std::string_view code, const core::Error& error, std::string_view ref) {
    json::object frame{{"type", "error"}, {"code", code}, {"message", error.message}, {"ref", ref}};
    if (error.retry_after_ms > 0) frame["retry_after_ms"] = error.retry_after_ms;
    return frame;
}

// "identity":{"token":"<jwt>"} or {"user_id","user_hash"} (docs/identity.md); the
// signature is the service's to check. nullopt with `error` set when the shape is wrong.
std::optional<services::identity::IdentityClaim> read_identity(const json::value& given,
                                                               std::string& error) {
    namespace identity = services::identity;
    if (!given.is_object()) {
        error = "field 'identity' must be an object";
        return std::nullopt;
    }
    FieldReader in(given.get_object());
    identity::IdentityClaim claim;
    claim.token = in.line("token", false, identity::max_token_bytes).value_or("");
    const bool hashed = in.has("user_id") || in.has("user_hash");
    claim.user_id = in.line("user_id", hashed, 1000).value_or("");
    claim.user_hash = in.line("user_hash", hashed, 200).value_or("");
    if (in.ok() && claim.token.empty() == !hashed) {
        in.fail("identity", "must hold either a token or a user_id and user_hash");
    }
    if (!in.ok()) {
        error = "identity: " + in.error();
        return std::nullopt;
    }
    return claim;
}

json::object ack_json(const store::AppendResult& appended) {
    return {{"type", "ack"},
            {"client_id", appended.message.client_id},
            {"conversation_id", appended.message.conversation_id},
            {"message_id", appended.message.id},
            {"seq", appended.message.seq},
            {"created_at", appended.message.created_at},
            {"duplicate", appended.status == store::AppendResult::Status::duplicate}};
}

}  // namespace

std::shared_ptr<net::WsHandler> RealtimeGateway::make(std::shared_ptr<net::WsConnection> connection,
                                                      const net::Request& upgrade) {
    std::string origin(upgrade[boost::beast::http::field::origin]);
    // Agents see it in JSON frames, which must be UTF-8: whole characters, and none of a
    // header that is not UTF-8 (HTTP allows any byte there).
    std::string user_agent(core::utf8_prefix(upgrade[boost::beast::http::field::user_agent], 300));
    if (!core::is_valid_utf8(user_agent)) user_agent.clear();
    auto address = net::limit_key(upgrade[net::client_address_header]);
    auto handler = std::make_shared<RealtimeConnection>(
        deps_, std::move(connection), std::move(origin), std::move(user_agent), std::move(address));
    handler->start();
    return handler;
}

RealtimeConnection::RealtimeConnection(RealtimeDeps deps,
                                       std::shared_ptr<net::WsConnection> connection,
                                       std::string origin, std::string user_agent,
                                       std::string address)
    : deps_(deps),
      connection_(std::move(connection)),
      strand_(boost::asio::make_strand(deps.pool.get_executor())),
      origin_(std::move(origin)),
      user_agent_(std::move(user_agent)),
      address_(std::move(address)),
      hello_deadline_(strand_) {}

void RealtimeConnection::start() {
    hello_deadline_.expires_after(hello_timeout);
    hello_deadline_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
        if (!ec && self->phase_ == Phase::awaiting_hello) {
            self->refuse("unauthenticated", "no hello within 10 seconds");
        }
    });
}

template <class F>
void RealtimeConnection::on_strand(F fn) {
    strand_pending_.fetch_add(1, std::memory_order_relaxed);
    boost::asio::post(strand_, [self = shared_from_this(), fn = std::move(fn)]() mutable {
        // Counted down even if the handler throws, so the fast path is never blocked.
        struct Done {
            std::atomic<std::uint32_t>& pending;
            ~Done() { pending.fetch_sub(1, std::memory_order_release); }
        } done{self->strand_pending_};
        self->guarded([&] { fn(*self); });
    });
}

template <class F>
void RealtimeConnection::guarded(F&& fn) noexcept {
    try {
        fn();
    } catch (const std::exception& error) {
        unavailable(error.what());
    } catch (...) {
        unavailable("unknown exception");
    }
}

void RealtimeConnection::unavailable(std::string_view what) noexcept {
    try {
        spdlog::error("a frame failed: {}", what);
        deps_.metrics.frames_failed.fetch_add(1, std::memory_order_relaxed);
        // The store failed: nothing changed, and the client may try again. Without a
        // hello that worked there is nothing to go on with: close with "try again later".
        const auto error =
            core::fail(core::ErrorCode::unavailable, "the server cannot answer now; try again");
        if (phase_ == Phase::awaiting_hello) return close_with(error, "unavailable");
        send_error(error, "");
    } catch (...) {
        // Out of memory while reporting: nothing more can be done for this frame.
    }
}

void RealtimeConnection::on_text(std::string frame) {
    deps_.metrics.frames_received.fetch_add(1, std::memory_order_relaxed);
    // The fast path (see realtime.hpp): nothing of ours is on the strand, so this frame
    // is next in order wherever it runs, and the strand's writes are visible here.
    if (strand_pending_.load(std::memory_order_acquire) == 0 &&
        phase_.load(std::memory_order_relaxed) == Phase::ready) {
        auto parsed = parse_object(frame);
        if (parsed) {
            const auto* type = parsed->if_contains("type");
            // The two frames that never wait for the store on their own thread.
            if (type != nullptr && type->is_string()) {
                if (type->get_string() == "send") return guarded([&] { on_send(*parsed); });
                if (type->get_string() == "page_view") {
                    return guarded([&] { on_page_view(*parsed); });
                }
            }
            return on_strand([parsed = std::move(*parsed)](RealtimeConnection& self) {
                self.handle_frame(parsed);
            });
        }
    }
    on_strand([frame = std::move(frame)](RealtimeConnection& self) { self.handle(frame); });
}

void RealtimeConnection::on_closed() {
    boost::asio::post(strand_,
                      [self = shared_from_this()] { self->guarded([&] { self->closed(); }); });
}

void RealtimeConnection::closed() {
    phase_ = Phase::closed;
    hello_deadline_.cancel();
    for (const auto& topic : topics_) deps_.bus.unsubscribe(topic, this);
    topics_.clear();
    if (agent_) deps_.presence.disconnected(*agent_);
    if (session_id_ != 0) deps_.auth.sessions().unwatch(session_id_);
    const auto& who = participant_;
    if (counted_socket_) deps_.limits.release_socket(std::to_string(who->id));
    // Last, as it may reach the store (and throw): the rest is done by then.
    if (who && who->kind == core::AuthorKind::visitor) {
        deps_.missed_chats.visitor_disconnected(who->workspace_id, who->id);
    }
}

void RealtimeConnection::deliver(const bus::Frame& frame) {
    if (auto connection = connection_) connection->send(frame);
}

void RealtimeConnection::terminate(std::uint16_t close_code, const std::string& reason) {
    if (auto connection = connection_) connection->close(close_code, reason);
}

void RealtimeConnection::handle(const std::string& text) {
    if (phase_ == Phase::closed) return;
    auto frame = parse_object(text);
    if (!frame) {
        deps_.metrics.frames_rejected.fetch_add(1, std::memory_order_relaxed);
        return send_error("invalid_json", "a frame must be one JSON object", "");
    }
    handle_frame(*frame);
}

void RealtimeConnection::handle_frame(const json::object& frame) {
    if (phase_ == Phase::closed) return;
    const auto* type = frame.if_contains("type");
    if (type == nullptr || !type->is_string()) {
        deps_.metrics.frames_rejected.fetch_add(1, std::memory_order_relaxed);
        return send_error("bad_frame", "field 'type' must be a string", "");
    }
    const std::string type_name(type->get_string());
    if (phase_ == Phase::awaiting_hello && type_name != "hello") {
        return refuse("unauthenticated", "the first frame must be hello");
    }
    dispatch(type_name, frame);
}

void RealtimeConnection::dispatch(const std::string& type, const json::object& frame) {
    if (type == "hello") return on_hello(frame);
    if (type == "send") return on_send(frame);
    if (type == "leave_message") return on_leave_message(frame);
    if (type == "sync") return on_sync(frame);
    if (type == "typing") return on_typing(frame);
    if (type == "read") return on_read(frame);
    if (type == "page_view") return on_page_view(frame);
    if (type == "identify") return on_identify(frame);
    if (type == "attributes") return on_attributes(frame);
    if (type == "status") return on_status(frame);
    if (type == "ping") return send({{"type", "pong"}});
    deps_.metrics.frames_rejected.fetch_add(1, std::memory_order_relaxed);
    // Quoted by whole characters: a text frame cut inside one would fail the socket.
    const std::string quoted(core::utf8_prefix(type, 40));
    send_error("unknown_type", "unknown frame type '" + quoted + "'", quoted);
}

void RealtimeConnection::on_hello(const json::object& frame) {
    if (phase_ != Phase::awaiting_hello) {
        return send_error("bad_frame", "already said hello", "hello");
    }
    FieldReader in(frame);
    auto role = in.line("role", true, 20);
    if (!in.ok()) return refuse("bad_frame", in.error());
    if (*role == "visitor") return hello_visitor(frame);
    if (*role == "agent") return hello_agent(frame);
    refuse("bad_frame", "field 'role' must be \"visitor\" or \"agent\"");
}

void RealtimeConnection::hello_visitor(const json::object& frame) {
    FieldReader in(frame);
    auto site_key = in.line("site_key", true, 100);
    auto contact_token = in.line("contact_token", false, 200);
    if (!in.ok()) return refuse("bad_frame", in.error());
    std::map<std::string, std::string> context;
    if (!user_agent_.empty()) context["user_agent"] = user_agent_;
    if (const auto* given = frame.if_contains("context")) {
        if (!given->is_object()) return refuse("bad_frame", "field 'context' must be an object");
        FieldReader fields(given->get_object());
        for (const char* key : {"language", "page_language", "timezone", "screen"}) {
            if (auto value = fields.line(key, false, 100)) context[key] = *value;
        }
        if (!fields.ok()) return refuse("bad_frame", "context: " + fields.error());
    }
    std::optional<services::identity::IdentityClaim> identity;
    if (const auto* given = frame.if_contains("identity"); given && !given->is_null()) {
        std::string error;
        identity = read_identity(*given, error);
        if (!identity) return refuse("bad_frame", error);
    }
    auto welcome = deps_.chat.connect_visitor(
        *site_key, origin_, contact_token.value_or(std::string()), context, address_, identity);
    if (!welcome.ok()) return refuse(welcome.error());
    const auto& w = welcome.value();
    if (!deps_.limits.acquire_socket(std::to_string(w.contact.id))) {
        // A window may close soon: the client reconnects later (1013) and may get in then.
        return refuse(core::fail(core::ErrorCode::rate_limited,
                                 "too many open chat windows for this visitor"));
    }
    counted_socket_ = true;
    participant_ = services::Participant{core::AuthorKind::visitor,
                                         w.site.workspace_id,
                                         w.contact.id,
                                         w.site.id,
                                         w.contact.name,
                                         address_};
    subscribe(topics::contact(w.contact.id));
    subscribe(topics::site(w.site.id));
    deps_.missed_chats.visitor_connected(w.site.workspace_id, w.contact.id);
    phase_ = Phase::ready;
    hello_deadline_.cancel();
    // The site's texts in the page's language, else the browser's (core/site_texts.hpp).
    send(visitor_welcome(w, {context["page_language"], context["language"]}));
}

json::object RealtimeConnection::visitor_welcome(const services::VisitorWelcome& w,
                                                 const std::vector<std::string>& languages) {
    json::value conversation = nullptr;
    json::value queue = nullptr;
    if (w.conversation) {
        auto encoded = to_json(*w.conversation);
        encoded["assignee"] = assignee_json(*w.conversation, w.assignee_name);
        conversation = std::move(encoded);
        if (auto place = deps_.router.place(*w.conversation)) queue = to_json(*place);
    }
    const auto texts = core::texts_for(w.site, languages);
    json::array teams;
    if (w.site.prechat.team != core::FieldRule::off) {
        for (const auto& team : deps_.teams.list(w.site.workspace_id)) {
            teams.emplace_back(json::object{{"id", team.id}, {"name", team.name}});
        }
    }
    return {{"type", "welcome"},
            {"role", "visitor"},
            {"contact_token", w.contact_token},
            {"contact",
             {{"id", w.contact.id},
              {"name", w.contact.name},
              {"email", w.contact.email},
              {"verified", w.contact.verified()}}},
            {"site",
             {{"name", w.site.name},
              {"greeting", texts.greeting},
              {"offline_message", texts.offline_message},
              {"language", texts.language},
              {"color", w.site.color}}},
            {"conversation", std::move(conversation)},
            {"availability", to_json(deps_.site_status.availability(w.site))},
            {"prechat", to_json(w.site.prechat)},
            {"teams", std::move(teams)},
            {"queue", std::move(queue)},
            {"uploads", uploads_json()}};
}

// What a client may attach, so that a file too big is refused before it is sent (the
// server checks again, on the bytes); null when this server takes no files.
json::value RealtimeConnection::uploads_json() const {
    const auto* limits = deps_.chat.file_limits();
    if (!limits) return nullptr;
    return json::object{{"max_bytes", limits->max_bytes}, {"max_files", limits->max_attachments}};
}

void RealtimeConnection::hello_agent(const json::object& frame) {
    FieldReader in(frame);
    auto token = in.line("token", true, 4096);
    if (!in.ok()) return refuse("bad_frame", in.error());
    auto session = deps_.auth.authenticate(*token);
    if (!session.ok()) return refuse("bad_token", session.error().message);
    const auto& agent = session.value().agent;
    subscribe(topics::workspace(agent.workspace_id));
    subscribe(topics::session(session.value().session_id));
    subscribe(topics::agent(agent.id));
    // A revocation between the check and the subscriptions would be missed: check again.
    if (!deps_.auth.authenticate(*token).ok())
        return refuse("bad_token", "the session was revoked");
    participant_ = services::Participant::of(agent);
    phase_ = Phase::ready;
    hello_deadline_.cancel();
    agent_ = agent;
    deps_.presence.connected(agent);
    session_id_ = session.value().session_id;
    deps_.auth.sessions().watch(session_id_);  // closed also when it ends in another process
    auto workspace = json::object{{"id", agent.workspace_id}};
    if (auto found = deps_.auth.workspace(agent.workspace_id)) workspace = to_json(*found);
    send({{"type", "welcome"},
          {"role", "agent"},
          {"agent", to_json(agent)},
          {"workspace", std::move(workspace)},
          {"availability", core::to_string(deps_.presence.availability(agent.id))},
          {"uploads", uploads_json()}});
}

void RealtimeConnection::on_send(const json::object& frame) {
    FieldReader in(frame);
    auto client_id = in.line("client_id", true, 200);
    // With attachments the body may be left out (a picture alone).
    auto attachments = in.texts("attachments", false, 100);
    auto body = in.text("body", !in.has("attachments"), 1'000'000);
    auto conversation_id = in.integer("conversation_id", false, 1);
    auto team_id = in.integer("team_id", false, 1);
    if (!in.ok()) return send_error("bad_frame", in.error(), client_id.value_or("send"));
    std::string ref = *client_id;
    services::SendRequest request{conversation_id, std::move(*client_id),
                                  std::move(body).value_or(""), team_id,
                                  std::move(attachments).value_or(std::vector<std::string>{})};
    deps_.chat.send(*participant_, std::move(request), acknowledge(std::move(ref)));
}

void RealtimeConnection::on_leave_message(const json::object& frame) {
    if (!require_visitor("leave_message")) return;
    FieldReader in(frame);
    auto client_id = in.line("client_id", true, 200);
    auto name = in.line("name", false, 1000);
    auto email = in.line("email", true, 1000);
    auto body = in.text("body", true, 1'000'000);
    if (!in.ok()) return send_error("bad_frame", in.error(), client_id.value_or("leave_message"));
    std::string ref = *client_id;
    services::LeftMessage message{std::move(*client_id), name.value_or(""), std::move(*email),
                                  std::move(*body)};
    deps_.chat.leave_message(*participant_, std::move(message), acknowledge(std::move(ref)));
}

services::ChatService::SendDone RealtimeConnection::acknowledge(std::string ref) {
    // Bounded sends in flight: at the limit, no more frames are read until an ack leaves
    // (the socket's own buffers then hold the client back, as TCP does).
    if (sends_in_flight_.fetch_add(1) + 1 >= max_sends_in_flight) {
        if (auto connection = connection_) connection->pause_reading();
        reading_paused_ = true;
        resume_if_drained();  // an ack may have come in between
    }
    return [self = shared_from_this(),
            ref = std::move(ref)](core::Result<store::AppendResult> result) {
        self->sends_in_flight_.fetch_sub(1);
        self->resume_if_drained();
        if (!result.ok()) return self->send_error(result.error(), ref);
        const auto& appended = result.value();
        if (appended.status == store::AppendResult::Status::stored) {
            self->deps_.metrics.messages_stored.fetch_add(1, std::memory_order_relaxed);
        }
        self->send(ack_json(appended));
    };
}

void RealtimeConnection::resume_if_drained() {
    // One resume per pause, whichever thread gets here first.
    if (sends_in_flight_ < max_sends_in_flight && reading_paused_.exchange(false)) {
        if (auto connection = connection_) connection->resume_reading();
    }
}

void RealtimeConnection::on_sync(const json::object& frame) {
    FieldReader in(frame);
    auto conversation_id = in.integer("conversation_id", true, 1);
    auto after_seq = in.integer("after_seq", false, 0);
    auto limit = in.integer("limit", false, 1, services::ChatService::max_history_page);
    if (!in.ok()) return send_error("bad_frame", in.error(), "sync");
    auto history = deps_.chat.history(*participant_, *conversation_id, after_seq.value_or(0), 0,
                                      static_cast<int>(limit.value_or(default_sync_limit)));
    if (!history.ok()) return send_error(history.error(), "sync");
    send({{"type", "history"},
          {"conversation_id", *conversation_id},
          {"messages", to_json_array(history.value().messages)},
          {"has_more", history.value().has_more},
          {"read_marks", to_json_array(history.value().read_marks)}});
}

void RealtimeConnection::on_typing(const json::object& frame) {
    FieldReader in(frame);
    auto conversation_id = in.integer("conversation_id", false, 1);
    auto active = in.boolean("active", true);
    if (!in.ok()) return send_error("bad_frame", in.error(), "typing");
    auto done = deps_.chat.typing(*participant_, conversation_id, *active);
    if (!done.ok()) send_error(done.error(), "typing");
}

void RealtimeConnection::on_read(const json::object& frame) {
    FieldReader in(frame);
    auto conversation_id = in.integer("conversation_id", true, 1);
    auto seq = in.integer("seq", true, 0);
    if (!in.ok()) return send_error("bad_frame", in.error(), "read");
    deps_.chat.mark_read(*participant_, *conversation_id, *seq,
                         [self = shared_from_this()](core::Result<core::Seq> marked) {
                             if (!marked.ok()) self->send_error(marked.error(), "read");
                         });
}

void RealtimeConnection::on_status(const json::object& frame) {
    if (!agent_) return send_error("bad_frame", "status is sent by agents", "status");
    FieldReader in(frame);
    auto text = in.line("availability", true, 20);
    if (!in.ok()) return send_error("bad_frame", in.error(), "status");
    auto availability = core::parse_availability(*text);
    if (!availability) {
        return send_error("bad_frame", "availability must be online, away or offline", "status");
    }
    deps_.presence.choose(*agent_, *availability);
}

bool RealtimeConnection::require_visitor(std::string_view type) {
    if (participant_->kind == core::AuthorKind::visitor) return true;
    send_error("bad_frame", std::string(type) + " is sent by visitors", type);
    return false;
}

void RealtimeConnection::on_identify(const json::object& frame) {
    if (!require_visitor("identify")) return;
    FieldReader in(frame);
    auto name = in.line("name", false, 1000);
    auto email = in.line("email", false, 1000);
    if (!in.ok()) return send_error("bad_frame", in.error(), "identify");
    auto contact = deps_.chat.identify(*participant_, std::move(name), std::move(email));
    if (!contact.ok()) return send_error(contact.error(), "identify");
    participant_->name = contact.value().name;  // names the visitor's next messages
}

void RealtimeConnection::on_attributes(const json::object& frame) {
    if (!require_visitor("attributes")) return;
    const auto* given = frame.if_contains("attributes");
    if (given == nullptr || !given->is_object()) {
        return send_error("bad_frame", "field 'attributes' must be an object", "attributes");
    }
    std::map<std::string, std::optional<std::string>> changes;
    for (const auto& [key, value] : given->get_object()) {
        if (value.is_null()) {
            changes[std::string(key)] = std::nullopt;
        } else if (value.is_string()) {
            changes[std::string(key)] = std::string(value.get_string());
        } else {
            return send_error("bad_frame", "attribute values must be strings or null",
                              "attributes");
        }
    }
    auto contact = deps_.chat.set_attributes(*participant_, changes);
    if (!contact.ok()) send_error(contact.error(), "attributes");
}

void RealtimeConnection::on_page_view(const json::object& frame) {
    if (!require_visitor("page_view")) return;
    FieldReader in(frame);
    auto url = in.line("url", true, core::limits::url_bytes);
    auto title = in.line("title", false, core::limits::title_bytes);
    auto referrer = in.line("referrer", false, core::limits::url_bytes);
    if (!in.ok()) return send_error("bad_frame", in.error(), "page_view");
    deps_.chat.page_view(*participant_, std::move(*url), title.value_or(""), referrer.value_or(""),
                         [self = shared_from_this()](core::Result<core::PageView> viewed) {
                             if (!viewed.ok()) self->send_error(viewed.error(), "page_view");
                         });
}

void RealtimeConnection::subscribe(const std::string& topic) {
    deps_.bus.subscribe(topic, weak_from_this());
    topics_.push_back(topic);
}

void RealtimeConnection::send(const json::object& frame) {
    if (auto connection = connection_) {
        connection->send(std::make_shared<const std::string>(json::serialize(frame)));
    }
}

void RealtimeConnection::send_error(std::string_view code, std::string_view message,
                                    std::string_view ref) {
    send({{"type", "error"}, {"code", code}, {"message", message}, {"ref", ref}});
}

void RealtimeConnection::send_error(const core::Error& error, std::string_view ref) {
    send(error_frame(frame_code(error.code), error, ref));
}

void RealtimeConnection::refuse(std::string_view code, std::string_view message) {
    refuse(core::Error{core::ErrorCode::validation_failed, std::string(message)}, code);
}

void RealtimeConnection::refuse(const core::Error& error, std::string_view code) {
    deps_.metrics.frames_rejected.fetch_add(1, std::memory_order_relaxed);
    close_with(error, code.empty() ? frame_code(error.code) : code);
}

void RealtimeConnection::close_with(const core::Error& error, std::string_view code) {
    send(error_frame(code, error, "hello"));
    phase_ = Phase::closed;
    // A limit or a failing store passes with time: "try again later" lets the client
    // reconnect, where the policy close of a refused origin or key tells it not to.
    const bool passes =
        error.code == core::ErrorCode::rate_limited || error.code == core::ErrorCode::unavailable;
    if (auto connection = connection_) {
        connection->close(passes ? close_try_again : close_policy, std::string(code));
    }
}

}  // namespace juttu::api
