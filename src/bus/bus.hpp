// The Bus carries events to the connections that want them.
//
// Topics are strings ("workspace:1", "contact:12", "session:7", "agent:3"). A publisher
// serialises an event once and hands the same immutable buffer to every subscriber.
// Subscribers are held weakly: a closed connection simply stops receiving.
//
// Thread-safety: all methods may be called from any thread. Subscribers are called
// outside the bus's lock, on the publisher's thread, so deliver() must only enqueue.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace juttu::bus {

using Frame = std::shared_ptr<const std::string>;

class Subscriber {
public:
    virtual ~Subscriber() = default;
    virtual void deliver(const Frame& frame) = 0;
    // Ends the subscriber's connection (e.g. its session was revoked).
    virtual void terminate(std::uint16_t close_code, const std::string& reason) = 0;
};

class Bus {
public:
    virtual ~Bus() = default;
    virtual void subscribe(const std::string& topic, std::weak_ptr<Subscriber> subscriber) = 0;
    virtual void unsubscribe(const std::string& topic, const Subscriber* subscriber) = 0;
    virtual void publish(const std::string& topic, const Frame& frame) = 0;
    // Terminates every subscriber of the topic.
    virtual void terminate(const std::string& topic, std::uint16_t close_code,
                           const std::string& reason) = 0;
};

}  // namespace juttu::bus
