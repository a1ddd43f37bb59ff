#include "bus/local_bus.hpp"

#include <algorithm>

namespace juttu::bus {

void LocalBus::subscribe(const std::string& topic, std::weak_ptr<Subscriber> subscriber) {
    const Subscriber* key = subscriber.lock().get();
    if (key == nullptr) return;
    std::lock_guard lock(mutex_);
    topics_[topic].push_back(Entry{key, std::move(subscriber)});
}

void LocalBus::unsubscribe(const std::string& topic, const Subscriber* subscriber) {
    std::lock_guard lock(mutex_);
    auto it = topics_.find(topic);
    if (it == topics_.end()) return;
    std::erase_if(it->second, [&](const Entry& e) { return e.key == subscriber; });
    if (it->second.empty()) topics_.erase(it);
}

std::vector<std::shared_ptr<Subscriber>> LocalBus::live_subscribers(const std::string& topic) {
    std::vector<std::shared_ptr<Subscriber>> live;
    std::lock_guard lock(mutex_);
    auto it = topics_.find(topic);
    if (it == topics_.end()) return live;
    live.reserve(it->second.size());
    std::erase_if(it->second, [&](const Entry& e) {
        auto s = e.subscriber.lock();
        if (!s) return true;
        live.push_back(std::move(s));
        return false;
    });
    if (it->second.empty()) topics_.erase(it);
    return live;
}

void LocalBus::publish(const std::string& topic, const Frame& frame) {
    for (const auto& subscriber : live_subscribers(topic)) subscriber->deliver(frame);
}

void LocalBus::terminate(const std::string& topic, std::uint16_t close_code,
                         const std::string& reason) {
    for (const auto& subscriber : live_subscribers(topic)) {
        subscriber->terminate(close_code, reason);
    }
}

std::size_t LocalBus::topic_count() const {
    std::lock_guard lock(mutex_);
    return topics_.size();
}

}  // namespace juttu::bus
