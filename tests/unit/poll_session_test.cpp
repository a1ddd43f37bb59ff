#include "net/poll_session.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

namespace juttu::net {
namespace {

// The protocol's side: records what it is handed, and keeps the connection to send on.
struct Recorder final : WsHandler {
    std::vector<std::string> texts;
    bool closed = false;
    void on_text(std::string frame) override { texts.push_back(std::move(frame)); }
    void on_closed() override { closed = true; }
};

struct Factory final : WsHandlerFactory {
    std::shared_ptr<Recorder> handler = std::make_shared<Recorder>();
    std::shared_ptr<WsConnection> connection;
    std::shared_ptr<WsHandler> make(std::shared_ptr<WsConnection> c, const Request&) override {
        connection = std::move(c);
        return handler;
    }
};

Frame text(std::string s) { return std::make_shared<const std::string>(std::move(s)); }

struct PollSessionTest : ::testing::Test {
    boost::asio::io_context io;
    PollOptions options;
    Factory factory;
    bool gone = false;
    std::shared_ptr<PollSession> session;

    void open() {
        session =
            std::make_shared<PollSession>(io.get_executor(), options, [this] { gone = true; });
        session->start(factory, Request{});
        io.poll();
    }
    PollBatch poll(std::uint64_t ack, PollStatus* status = nullptr) {
        PollBatch out;
        session->poll(ack, [&](PollStatus s, PollBatch b) {
            if (status) *status = s;
            out = std::move(b);
        });
        io.poll();
        return out;
    }
};

TEST_F(PollSessionTest, AFrameIsSentAgainUntilAPollAcknowledgesIt) {
    open();
    factory.connection->send(text("a"));
    factory.connection->send(text("b"));
    io.poll();
    auto first = poll(0);
    ASSERT_EQ(first.frames.size(), 2u);
    EXPECT_EQ(first.cursor, 0u);
    // The answer was lost: the same cursor gets the same frames.
    auto again = poll(0);
    ASSERT_EQ(again.frames.size(), 2u);
    EXPECT_EQ(*again.frames[1], "b");
    factory.connection->send(text("c"));
    io.poll();
    auto next = poll(2);
    EXPECT_EQ(next.cursor, 2u);
    ASSERT_EQ(next.frames.size(), 1u);
    EXPECT_EQ(*next.frames[0], "c");
    PollStatus status{};
    poll(0, &status);  // before the frames kept
    EXPECT_EQ(status, PollStatus::bad_cursor);
    poll(9, &status);  // past the last one
    EXPECT_EQ(status, PollStatus::bad_cursor);
}

TEST_F(PollSessionTest, PostedFramesReachTheProtocolInOrderAndWaitWhileReadingIsPaused) {
    open();
    bool answered = false;
    factory.connection->pause_reading();
    session->post({"1", "2"}, [&](PollStatus) { answered = true; });
    io.poll();
    EXPECT_TRUE(factory.handler->texts.empty());
    EXPECT_FALSE(answered);
    factory.connection->resume_reading();
    io.poll();
    EXPECT_EQ(factory.handler->texts, (std::vector<std::string>{"1", "2"}));
    EXPECT_TRUE(answered);
}

TEST_F(PollSessionTest, AFullQueueClosesWith1013AndTheCloseFollowsTheFrames) {
    options.queue_limit = 2;
    open();
    factory.connection->send(text("a"));
    factory.connection->send(text("b"));
    factory.connection->send(text("c"));
    io.poll();
    auto batch = poll(0);
    EXPECT_TRUE(batch.frames.empty());
    ASSERT_TRUE(batch.close);
    EXPECT_EQ(batch.close->first, 1013);
    EXPECT_TRUE(factory.handler->closed);
    EXPECT_TRUE(gone);  // the close was delivered: the session is over
}

TEST_F(PollSessionTest, AnIdleSessionEndsLikeASocketThatWentAway) {
    options.idle_timeout = std::chrono::milliseconds(20);
    open();
    io.run_for(std::chrono::milliseconds(100));
    EXPECT_TRUE(factory.handler->closed);
    EXPECT_TRUE(gone);
}

}  // namespace
}  // namespace juttu::net
