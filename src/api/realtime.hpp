// The real-time protocol (docs/protocol.md) on top of net's WebSocket sessions.
//
// Each connection gets a RealtimeConnection. Frames are handled one at a time, in
// arrival order. Most run on the connection's strand of the blocking pool (they may read
// or write the store and block). A `send` or a `page_view` never blocks (it validates
// and queues the write for the store's writer), so once the connection is ready it is
// handled right on the connection's event loop, saving a thread hop — but only when the
// strand has no earlier frame of this connection still waiting or running, so it never
// overtakes a frame that arrived before it. Such writes complete on the store's writer,
// which answers the ack (or the error).
//
// Threads: on_text and on_closed are called on the connection's loop; every handler
// runs either on the strand or, for the fast path, on the loop while the strand holds
// nothing of this connection (`strand_pending_` is zero). The strand's last decrement
// (release) makes its writes (phase_, participant_) visible to the loop's check (acquire).
#pragma once

#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/json/object.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/metrics.hpp"
#include "bus/bus.hpp"
#include "net/server.hpp"
#include "services/admin/teams.hpp"
#include "services/auth/auth_service.hpp"
#include "services/chat/chat_service.hpp"
#include "services/offline/missed_chats.hpp"
#include "services/routing/presence.hpp"
#include "services/routing/router.hpp"
#include "services/routing/site_status.hpp"

namespace juttu::api {

struct RealtimeDeps {
    services::ChatService& chat;
    services::AuthService& auth;
    services::Presence& presence;
    services::Router& router;
    services::SiteStatus& site_status;
    services::MissedChats& missed_chats;
    services::Teams& teams;
    services::RateLimiter& limits;
    bus::Bus& bus;
    Metrics& metrics;
    boost::asio::thread_pool& pool;
};

class RealtimeGateway final : public net::WsHandlerFactory {
public:
    explicit RealtimeGateway(RealtimeDeps deps) : deps_(deps) {}
    std::shared_ptr<net::WsHandler> make(std::shared_ptr<net::WsConnection> connection,
                                         const net::Request& upgrade) override;

private:
    RealtimeDeps deps_;
};

class RealtimeConnection final : public net::WsHandler,
                                 public bus::Subscriber,
                                 public std::enable_shared_from_this<RealtimeConnection> {
public:
    RealtimeConnection(RealtimeDeps deps, std::shared_ptr<net::WsConnection> connection,
                       std::string origin, std::string user_agent, std::string address);

    // Starts the hello deadline; call once, right after construction.
    void start();
    void on_text(std::string frame) override;
    void on_closed() override;
    void deliver(const bus::Frame& frame) override;
    void terminate(std::uint16_t close_code, const std::string& reason) override;

private:
    enum class Phase { awaiting_hello, ready, closed };

    // Runs `fn` on the strand, after every frame posted there before it.
    template <class F>
    void on_strand(F fn);
    // Runs a frame's handler; an exception (the store failed) is logged and answered
    // with an `unavailable` error frame, never let out to the thread pool or the loop.
    template <class F>
    void guarded(F&& fn) noexcept;
    void unavailable(std::string_view what) noexcept;
    void handle(const std::string& text);
    void closed();  // on the strand, once the socket is gone
    void handle_frame(const boost::json::object& frame);
    void dispatch(const std::string& type, const boost::json::object& frame);
    void on_hello(const boost::json::object& frame);
    void hello_visitor(const boost::json::object& frame);
    void hello_agent(const boost::json::object& frame);
    void on_send(const boost::json::object& frame);
    void on_leave_message(const boost::json::object& frame);
    // The visitor's welcome: who they are, the site, and whether and how they can chat.
    // `languages`: the visitor's, most wanted first, for the site's texts.
    boost::json::object visitor_welcome(const services::VisitorWelcome& welcome,
                                        const std::vector<std::string>& languages);
    boost::json::value uploads_json() const;
    // Answers a send or leave_message once it is stored (or refused).
    services::ChatService::SendDone acknowledge(std::string ref);
    void resume_if_drained();
    void on_sync(const boost::json::object& frame);
    void on_typing(const boost::json::object& frame);
    void on_read(const boost::json::object& frame);
    void on_page_view(const boost::json::object& frame);
    void on_identify(const boost::json::object& frame);
    void on_attributes(const boost::json::object& frame);
    void on_status(const boost::json::object& frame);
    // Visitor-only frames answer an error for agents; true when the sender is a visitor.
    bool require_visitor(std::string_view type);

    void subscribe(const std::string& topic);
    void send(const boost::json::object& frame);
    void send_error(std::string_view code, std::string_view message, std::string_view ref);
    void send_error(const core::Error& error, std::string_view ref);
    // Answers with the error, then closes with 1008: the connection cannot go on.
    void refuse(std::string_view code, std::string_view message);
    // The same for a service's error (`code`: the frame's code, else the error's own).
    void refuse(const core::Error& error, std::string_view code = {});
    // Answers the hello with the error, then closes: 1013 when it may pass (a limit, the
    // store), else 1008.
    void close_with(const core::Error& error, std::string_view code);

    RealtimeDeps deps_;
    std::shared_ptr<net::WsConnection> connection_;
    boost::asio::strand<boost::asio::thread_pool::executor_type> strand_;
    std::string origin_;
    std::string user_agent_;
    std::string address_;          // the client's, as net resolved it
    bool counted_socket_ = false;  // a visitor socket counted in limits: released on close
    // Written on the strand; read on the loop by the fast path (and by the hello timer).
    std::atomic<Phase> phase_{Phase::awaiting_hello};
    // Frames posted to the strand and not yet handled. Changed by the loop (+1) and the
    // strand (-1) only.
    std::atomic<std::uint32_t> strand_pending_{0};
    // Sends and left messages waiting for their ack (see acknowledge()).
    std::atomic<std::uint32_t> sends_in_flight_{0};
    std::atomic<bool> reading_paused_{false};  // by the bound above
    static constexpr std::uint32_t max_sends_in_flight = 64;
    std::optional<services::Participant> participant_;
    std::optional<core::Agent> agent_;  // for agents: counted in Presence while connected
    core::Id session_id_ = 0;           // for agents: watched in SessionWatch while connected
    std::vector<std::string> topics_;
    boost::asio::steady_timer hello_deadline_;
};

}  // namespace juttu::api
