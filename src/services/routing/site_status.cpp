#include "services/routing/site_status.hpp"

#include <vector>

namespace juttu::services {

SiteStatus::SiteStatus(store::Store& store, Presence& presence, EventSink& events,
                       const core::Clock& clock)
    : store_(store), presence_(presence), events_(events), clock_(clock) {}

const core::TimeZone& SiteStatus::zone(const std::string& name) {
    std::lock_guard lock(mutex_);
    auto found = zones_.find(name);
    if (found == zones_.end()) {
        // Names are checked when an admin saves them; a zone gone from the system reads UTC.
        auto loaded = core::TimeZone::load(name);
        found = zones_.emplace(name, loaded.ok() ? loaded.value() : core::TimeZone::utc()).first;
    }
    return found->second;
}

SiteAvailability SiteStatus::evaluate(const core::Site& site) {
    const auto now = clock_.now_ms();
    const auto& hours = site.hours;
    if (!hours.always_open) {
        const auto& site_zone = zone(hours.time_zone);
        if (!core::is_open(hours, site_zone, now)) {
            return {false, SiteAvailability::Reason::outside_hours,
                    core::next_opening(hours, site_zone, now)};
        }
    }
    if (!presence_.anyone_online(site.workspace_id)) {
        return {false, SiteAvailability::Reason::no_agents, std::nullopt};
    }
    return {};
}

SiteAvailability SiteStatus::availability(const core::Site& site) {
    std::lock_guard telling(telling_);
    const auto now_state = evaluate(site);
    // A change this visitor is first to see (an opening between ticks) is told to the
    // site's other visitors too.
    if (remember(site, now_state)) events_.site_availability_changed(site, now_state);
    return now_state;
}

bool SiteStatus::remember(const core::Site& site, const SiteAvailability& now_state) {
    std::lock_guard lock(mutex_);
    auto& sites = known_[site.workspace_id];
    const auto [told, first] = sites.try_emplace(site.id, now_state);
    if (first || told->second == now_state) return false;
    told->second = now_state;
    return true;
}

void SiteStatus::availability_changed(core::Id workspace_id, core::Id, core::Availability) {
    refresh(workspace_id);
}

void SiteStatus::site_changed(const core::Site& site) { refresh(site.workspace_id); }

void SiteStatus::tick() {
    std::vector<core::Id> workspaces;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [workspace_id, sites] : known_) workspaces.push_back(workspace_id);
    }
    for (const auto workspace_id : workspaces) refresh(workspace_id);
}

void SiteStatus::refresh(core::Id workspace_id) {
    {
        std::lock_guard lock(mutex_);
        if (known_.count(workspace_id) == 0) return;  // no visitor asked yet
    }
    std::lock_guard telling(telling_);
    for (const auto& site : store_.list_sites(workspace_id)) {
        const auto now_state = evaluate(site);
        if (remember(site, now_state)) events_.site_availability_changed(site, now_state);
    }
}

}  // namespace juttu::services
