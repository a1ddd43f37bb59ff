// The error boundaries (docs/security.md, "Store failures"): with the store failing on
// every call, each frame type of the real-time protocol is answered (an `unavailable`
// error frame, or the error the service makes of the failure), each background job fails
// without taking the thread with it, and once the store recovers, all of it works again.
// The whole service graph is the server's own, on a real SQLite store behind a
// FaultyStore; only the socket is replaced by a recording connection.
#include <gtest/gtest.h>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "api/event_publisher.hpp"
#include "api/realtime.hpp"
#include "app/background_jobs.hpp"
#include "bus/local_bus.hpp"
#include "faulty_store.hpp"
#include "services/admin/admin_service.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "temp_dir.hpp"

namespace juttu {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// The socket side: records what the server sends and whether it closed.
class RecordingConnection final : public net::WsConnection {
public:
    void send(net::Frame frame) override {
        std::lock_guard lock(mutex_);
        frames_.push_back(json::parse(*frame).as_object());
        changed_.notify_all();
    }
    void close(std::uint16_t code, std::string) override {
        std::lock_guard lock(mutex_);
        close_code_ = code;
        changed_.notify_all();
    }
    void pause_reading() override { ++pauses; }
    void resume_reading() override { ++resumes; }
    std::atomic<int> pauses{0};
    std::atomic<int> resumes{0};

    // The first frame not yet taken whose type is one of `types`; fails the test after 5 s.
    json::object next(std::initializer_list<std::string_view> types) {
        std::unique_lock lock(mutex_);
        json::object found;
        const bool arrived = changed_.wait_for(lock, 5s, [&] {
            for (auto it = frames_.begin(); it != frames_.end(); ++it) {
                const auto type = std::string_view((*it)["type"].as_string());
                if (std::find(types.begin(), types.end(), type) != types.end()) {
                    found = std::move(*it);
                    frames_.erase(it);
                    return true;
                }
            }
            return false;
        });
        EXPECT_TRUE(arrived) << "no " << *types.begin() << " frame";
        return found;
    }
    json::object next(std::string_view type) { return next({type}); }
    std::optional<std::uint16_t> close_code() {
        std::unique_lock lock(mutex_);
        changed_.wait_for(lock, 1s, [&] { return close_code_.has_value(); });
        return close_code_;
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<json::object> frames_;
    std::optional<std::uint16_t> close_code_;
};

constexpr const char* origin = "https://shop.example";

class ErrorBoundaries : public ::testing::Test {
protected:
    ErrorBoundaries()
        : real_(store::sqlite::SqliteStore::open(dir_.path() / "juttu.db")),
          store_(*real_),
          publisher_(bus_, metrics_),
          auth_(store_, events_, clock_, services::PasswordGate::Limits{}),
          admin_(store_, events_, clock_),
          limits_(services::RateLimits::unlimited(), clock_),
          chat_(store_, events_, clock_, limits_),
          presence_(events_, clock_, 0),
          teams_(store_, events_, clock_),
          notes_(store_, events_, clock_),
          router_(store_, presence_, notes_, events_, clock_,
                  [this](std::function<void()> pass) {
                      // Off the writer thread, guarded, as serve.cpp runs routing passes.
                      boost::asio::post(pool_, [pass = std::move(pass)] {
                          try {
                              pass();
                          } catch (const std::exception&) {
                          }
                      });
                  }),
          site_status_(store_, presence_, events_, clock_),
          missed_chats_(store_, events_, clock_, 0),
          gateway_({chat_, auth_, presence_, router_, site_status_, missed_chats_, teams_, limits_,
                    bus_, metrics_, pool_}) {
        events_.add(publisher_);
        events_.add(router_);
        events_.add(site_status_);
        auto workspace = admin_.create_workspace("Shop").value();
        services::SiteFields site;
        site.name = "Shop";
        site.allowed_origins = std::vector<std::string>{origin};
        site_key_ = admin_.create_site(workspace.id, site).value().key;
        services::AgentFields agent;
        agent.email = "agent@shop.example";
        agent.name = "Agent";
        agent.password = "agent-password-1";
        agent.role = core::Role::admin;
        (void)admin_.create_agent(workspace.id, agent).value();
        token_ = auth_.login("agent@shop.example", "agent-password-1").value().token;
    }
    ~ErrorBoundaries() override {
        pool_.join();
        real_.reset();  // its last completions still reach the services, alive until here
    }

    // A new socket: its connection and the server's handler for it.
    std::pair<std::shared_ptr<RecordingConnection>, std::shared_ptr<net::WsHandler>> connect() {
        auto connection = std::make_shared<RecordingConnection>();
        net::Request upgrade{boost::beast::http::verb::get, "/ws", 11};
        upgrade.set(boost::beast::http::field::origin, origin);
        upgrade.set(net::client_address_header, "192.0.2.1");
        return {connection, gateway_.make(connection, upgrade)};
    }
    static void say(net::WsHandler& handler, const json::object& frame) {
        handler.on_text(json::serialize(frame));
    }
    // A visitor who said hello and started a conversation with one message.
    struct Chat {
        std::shared_ptr<RecordingConnection> connection;
        std::shared_ptr<net::WsHandler> handler;
        std::int64_t conversation = 0;
    };
    Chat open_chat(const std::string& client_id) {
        auto [connection, handler] = connect();
        say(*handler, visitor_hello());
        connection->next("welcome");
        say(*handler, {{"type", "send"}, {"client_id", client_id}, {"body", "hello"}});
        const auto conversation = connection->next("ack")["conversation_id"].as_int64();
        return {connection, handler, conversation};
    }
    json::object visitor_hello() const {
        return {{"type", "hello"}, {"role", "visitor"}, {"site_key", site_key_}};
    }

    testing::TempDir dir_;
    std::unique_ptr<store::sqlite::SqliteStore> real_;
    testing::FaultyStore store_;
    core::SystemClock clock_;
    bus::LocalBus bus_;
    api::Metrics metrics_;
    api::EventPublisher publisher_;
    services::EventTee events_;
    services::AuthService auth_;
    services::AdminService admin_;
    services::RateLimiter limits_;
    services::ChatService chat_;
    services::Presence presence_;
    services::Teams teams_;
    services::Notes notes_;
    boost::asio::thread_pool pool_{2};  // before the router, which posts its passes here
    services::Router router_;
    services::SiteStatus site_status_;
    services::MissedChats missed_chats_;
    api::RealtimeGateway gateway_;
    std::string site_key_;
    std::string token_;
};

TEST_F(ErrorBoundaries, AHelloThatFailsIsAnsweredAndClosedToTryAgain) {
    for (const auto& hello :
         {visitor_hello(), json::object{{"type", "hello"}, {"role", "agent"}, {"token", token_}}}) {
        store_.fail_always();
        auto [connection, handler] = connect();
        say(*handler, hello);
        EXPECT_EQ(connection->next("error")["code"], "unavailable");
        EXPECT_EQ(connection->close_code(), 1013);
        handler->on_closed();
        store_.heal();
        auto [again, again_handler] = connect();
        say(*again_handler, hello);
        EXPECT_EQ(again->next("welcome")["type"], "welcome");
        again_handler->on_closed();
    }
}

TEST_F(ErrorBoundaries, AFailureAtAnyStepOfAVisitorsFirstMessageLeavesNothingHalfDone) {
    // The Nth store call from the hello on fails, for every N the hello and the first
    // message make; each time the visitor is answered, and a retry succeeds.
    for (std::int64_t n = 1; n <= 8; ++n) {
        store_.fail_nth(n);
        auto [connection, handler] = connect();
        say(*handler, visitor_hello());
        auto first = connection->next({"welcome", "error"});
        if (first["type"] == "welcome") {
            say(*handler,
                {{"type", "send"}, {"client_id", "m" + std::to_string(n)}, {"body", "hi"}});
            std::this_thread::sleep_for(50ms);
            store_.heal();
            say(*handler,
                {{"type", "send"}, {"client_id", "m" + std::to_string(n)}, {"body", "hi"}});
            EXPECT_EQ(connection->next("ack")["seq"], 1) << "N = " << n;
        } else {
            EXPECT_EQ(first["code"], "unavailable");
        }
        store_.heal();
        handler->on_closed();
    }
}

TEST_F(ErrorBoundaries, EveryVisitorFrameIsAnsweredWhileTheStoreFailsAndWorksAfter) {
    auto [connection, handler, conversation] = open_chat("first");

    store_.fail_always();
    const std::vector<json::object> frames{
        {{"type", "send"}, {"client_id", "c1"}, {"body", "while failing"}},
        {{"type", "leave_message"},
         {"client_id", "c2"},
         {"email", "v@shop.example"},
         {"body", "x"}},
        {{"type", "sync"}, {"conversation_id", conversation}, {"after_seq", 0}},
        {{"type", "typing"}, {"active", true}},
        {{"type", "read"}, {"conversation_id", conversation}, {"seq", 1}},
        {{"type", "page_view"}, {"url", "https://shop.example/p"}},
        {{"type", "identify"}, {"name", "Visitor"}},
        {{"type", "attributes"}, {"attributes", {{"cart", "3"}}}},
    };
    for (const auto& frame : frames) {
        say(*handler, frame);
        const auto error = connection->next("error");
        EXPECT_EQ(error.at("code"), "unavailable")
            << json::serialize(frame) << " -> " << json::serialize(error);
    }
    EXPECT_GT(store_.failures(), 0);
    EXPECT_EQ(connection->close_code(), std::nullopt) << "the socket stays open";

    store_.heal();
    say(*handler, {{"type", "send"}, {"client_id", "after"}, {"body", "the store is back"}});
    EXPECT_EQ(connection->next("ack")["seq"], 2);
    say(*handler, {{"type", "sync"}, {"conversation_id", conversation}, {"after_seq", 0}});
    EXPECT_EQ(connection->next("history")["messages"].as_array().size(), 2U);
    handler->on_closed();
}

TEST_F(ErrorBoundaries, EveryAgentFrameIsAnsweredWhileTheStoreFails) {
    auto [visitor, visitor_handler, conversation] = open_chat("v1");

    auto [connection, handler] = connect();
    say(*handler, {{"type", "hello"}, {"role", "agent"}, {"token", token_}});
    connection->next("welcome");
    store_.fail_always();
    for (const auto& frame : std::vector<json::object>{
             {{"type", "send"},
              {"client_id", "a1"},
              {"conversation_id", conversation},
              {"body", "x"}},
             {{"type", "sync"}, {"conversation_id", conversation}, {"after_seq", 0}},
             {{"type", "typing"}, {"conversation_id", conversation}, {"active", true}},
             {{"type", "read"}, {"conversation_id", conversation}, {"seq", 1}},
         }) {
        say(*handler, frame);
        EXPECT_EQ(connection->next("error").at("code"), "unavailable") << json::serialize(frame);
    }
    say(*handler, {{"type", "status"}, {"availability", "away"}});  // in memory: no answer
    say(*handler, {{"type", "ping"}});
    connection->next("pong");
    store_.heal();
    say(*handler, {{"type", "send"},
                   {"client_id", "a2"},
                   {"conversation_id", conversation},
                   {"body", "answered"}});
    EXPECT_EQ(connection->next("ack")["seq"], 2);
    handler->on_closed();
    visitor_handler->on_closed();
}

TEST_F(ErrorBoundaries, EveryBackgroundJobFailsAloneAndRecovers) {
    // A visitor gone before an answer, so that the missed-chat job has work to do.
    open_chat("m1").handler->on_closed();
    pool_.wait();

    const auto jobs = app::background_jobs({presence_, missed_chats_, site_status_, limits_});
    std::vector<std::string> failed;
    const auto record = [&](std::string_view job, std::string_view) { failed.emplace_back(job); };
    store_.fail_always();
    for (std::uint64_t tick = 1; tick <= 10; ++tick) app::Ticker::run_jobs(jobs, tick, record);
    EXPECT_FALSE(failed.empty());
    EXPECT_NE(std::find(failed.begin(), failed.end(), "missed chats"), failed.end());

    store_.heal();
    failed.clear();
    for (std::uint64_t tick = 11; tick <= 20; ++tick) app::Ticker::run_jobs(jobs, tick, record);
    EXPECT_TRUE(failed.empty());
    const auto missed = real_->list_conversations([] {
        store::ConversationFilter filter;
        filter.workspace_id = 1;
        filter.missed = true;
        return filter;
    }());
    EXPECT_EQ(missed.size(), 1U) << "the missed chat was marked once the store was back";
}

TEST_F(ErrorBoundaries, ASocketStopsBeingReadWhileTooManyOfItsSendsAwaitTheirAcks) {
    auto [connection, handler] = connect();
    say(*handler, visitor_hello());
    connection->next("welcome");
    // The first message creates the conversation off the event loop; only the sends after
    // it are in flight together, whatever the machine's load.
    say(*handler, {{"type", "send"}, {"client_id", "first"}, {"body", "hello"}});
    connection->next("ack");
    store_.hold_appends();  // a slow disk: no ack comes back meanwhile
    for (int i = 0; i < 63; ++i) {
        say(*handler, {{"type", "send"}, {"client_id", "m" + std::to_string(i)}, {"body", "x"}});
    }
    EXPECT_EQ(connection->pauses, 0);
    say(*handler, {{"type", "send"}, {"client_id", "m63"}, {"body", "the 64th"}});
    EXPECT_EQ(connection->pauses, 1) << "at 64 sends in flight, reading stops";
    EXPECT_EQ(connection->resumes, 0);
    store_.release_appends();
    for (int i = 0; i < 64; ++i) connection->next("ack");
    EXPECT_EQ(connection->resumes, 1) << "and goes on once acks drain";
    handler->on_closed();
}

TEST(Ticker, AThrowingJobIsReportedAndTheOthersRun) {
    int runs = 0;
    std::vector<std::string> reported;
    const std::vector<app::TickerJob> jobs{
        {"broken", 1, [] { throw std::runtime_error("store down"); }},
        {"counter", 1, [&] { ++runs; }},
        {"every third", 3, [&] { runs += 100; }},
    };
    for (std::uint64_t tick = 1; tick <= 3; ++tick) {
        app::Ticker::run_jobs(jobs, tick, [&](std::string_view job, std::string_view what) {
            reported.push_back(std::string(job) + ": " + std::string(what));
        });
    }
    EXPECT_EQ(runs, 103);
    EXPECT_EQ(reported, std::vector<std::string>(3, "broken: store down"));
}

TEST(EventTee, AFailingListenerDoesNotStopTheOthers) {
    struct Throwing final : services::EventSink {
        void page_viewed(const core::PageView&) override { throw std::runtime_error("down"); }
    } throwing;
    struct Counting final : services::EventSink {
        int views = 0;
        void page_viewed(const core::PageView&) override { ++views; }
    } counting;
    services::EventTee tee;
    std::vector<std::string> errors;
    tee.on_error([&](std::string_view event, std::string_view what) {
        errors.push_back(std::string(event) + ": " + std::string(what));
    });
    tee.add(throwing);
    tee.add(counting);
    EXPECT_NO_THROW(tee.page_viewed(core::PageView{}));
    EXPECT_EQ(counting.views, 1);
    EXPECT_EQ(errors, std::vector<std::string>{"page_viewed: down"});
}

}  // namespace
}  // namespace juttu
