// Whether a site's visitors can chat now: inside the site's opening hours, with an agent
// of the workspace online. Otherwise the widget offers the offline form.
//
// Visitors hear of a change while connected (EventSink::site_availability_changed): on
// every agent availability change and admin's edit of a site, and from tick() for opening
// and closing times. Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "core/clock.hpp"
#include "core/time_zone.hpp"
#include "services/events.hpp"
#include "services/routing/presence.hpp"
#include "store/store.hpp"

namespace juttu::services {

class SiteStatus final : public EventSink {
public:
    SiteStatus(store::Store& store, Presence& presence, EventSink& events,
               const core::Clock& clock);

    // Also remembers the site, so that its later changes are announced (and announces a
    // change no one was told of yet).
    SiteAvailability availability(const core::Site& site);

    void availability_changed(core::Id workspace_id, core::Id agent_id,
                              core::Availability availability) override;
    void site_changed(const core::Site& site) override;
    // Re-reads the remembered sites; call every few seconds.
    void tick();

private:
    SiteAvailability evaluate(const core::Site& site);
    const core::TimeZone& zone(const std::string& name);
    void refresh(core::Id workspace_id);
    // Stores what visitors are told now; true when it differs from what they were told.
    bool remember(const core::Site& site, const SiteAvailability& now_state);

    store::Store& store_;
    Presence& presence_;
    EventSink& events_;
    const core::Clock& clock_;
    // Held while evaluating and announcing, so that two threads never tell visitors two
    // states out of order. Taken before mutex_, never while holding it.
    std::mutex telling_;
    std::mutex mutex_;
    std::map<std::string, core::TimeZone> zones_;                     // guarded by mutex_
    std::map<core::Id, std::map<core::Id, SiteAvailability>> known_;  // workspace -> site ->
                                                                      // last told; mutex_
};

}  // namespace juttu::services
