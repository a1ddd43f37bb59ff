// In-process Bus for a single node.
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "bus/bus.hpp"

namespace juttu::bus {

class LocalBus final : public Bus {
public:
    void subscribe(const std::string& topic, std::weak_ptr<Subscriber> subscriber) override;
    void unsubscribe(const std::string& topic, const Subscriber* subscriber) override;
    void publish(const std::string& topic, const Frame& frame) override;
    void terminate(const std::string& topic, std::uint16_t close_code,
                   const std::string& reason) override;

    std::size_t topic_count() const;

private:
    struct Entry {
        const Subscriber* key;
        std::weak_ptr<Subscriber> subscriber;
    };
    // Copies the live subscribers of a topic under the lock, pruning dead ones.
    std::vector<std::shared_ptr<Subscriber>> live_subscribers(const std::string& topic);

    mutable std::mutex mutex_;
    std::unordered_map<std::string, std::vector<Entry>> topics_;
};

}  // namespace juttu::bus
