// A connection's outgoing frames, oldest first. Unlike std::deque (which allocates a
// block even when empty) an empty FrameQueue owns no memory: an idle connection, the
// common case by far, pays only for the object itself.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace juttu::net {

class FrameQueue {
public:
    using Frame = std::shared_ptr<const std::string>;

    bool empty() const { return head_ == frames_.size(); }
    std::size_t size() const { return frames_.size() - head_; }
    std::size_t bytes() const { return bytes_; }  // of the frames' text, queued now
    const Frame& front() const { return frames_[head_]; }
    const Frame& at(std::size_t i) const { return frames_[head_ + i]; }  // i < size()

    void push(Frame frame) {
        bytes_ += frame->size();
        frames_.push_back(std::move(frame));
    }

    void pop() {
        bytes_ -= frames_[head_]->size();
        frames_[head_++].reset();
        if (empty()) clear();
    }

    void clear() {
        std::vector<Frame>().swap(frames_);  // give the memory back
        head_ = 0;
        bytes_ = 0;
    }

private:
    std::vector<Frame> frames_;
    std::size_t head_ = 0;
    std::size_t bytes_ = 0;
};

}  // namespace juttu::net
