#include "net/frame_queue.hpp"

#include <gtest/gtest.h>

namespace juttu::net {
namespace {

FrameQueue::Frame frame(std::string text) {
    return std::make_shared<const std::string>(std::move(text));
}

TEST(FrameQueue, FirstInFirstOut) {
    FrameQueue queue;
    EXPECT_TRUE(queue.empty());
    queue.push(frame("a"));
    queue.push(frame("b"));
    queue.push(frame("c"));
    EXPECT_EQ(queue.size(), 3U);
    EXPECT_EQ(*queue.front(), "a");
    queue.pop();
    EXPECT_EQ(*queue.front(), "b");
    queue.push(frame("d"));
    queue.pop();
    queue.pop();
    EXPECT_EQ(*queue.front(), "d");
    queue.pop();
    EXPECT_TRUE(queue.empty());
    EXPECT_EQ(queue.size(), 0U);
}

TEST(FrameQueue, ReleasesFramesAsTheyAreSent) {
    FrameQueue queue;
    auto shared = frame("x");
    queue.push(shared);
    EXPECT_EQ(shared.use_count(), 2);
    queue.pop();
    EXPECT_EQ(shared.use_count(), 1);
}

}  // namespace
TEST(FrameQueue, CountsTheBytesItHolds) {
    FrameQueue queue;
    queue.push(std::make_shared<const std::string>(1000, 'a'));
    queue.push(std::make_shared<const std::string>(24, 'b'));
    EXPECT_EQ(queue.bytes(), 1024U);
    queue.pop();
    EXPECT_EQ(queue.bytes(), 24U);
    queue.clear();
    EXPECT_EQ(queue.bytes(), 0U);
}

}  // namespace juttu::net
