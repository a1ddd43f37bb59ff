// Reading a site's opening hours, pre-chat form and translations from their JSON
// (docs/api.md, sites). The shape is checked here; the rules (overlaps, real dates, known
// zones, language tags) by the service.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/types.hpp"

namespace juttu::api {

std::optional<core::BusinessHours> read_hours(const boost::json::object& in, std::string& error);
std::optional<core::PrechatForm> read_prechat(const boost::json::object& in, std::string& error);
// "translations": [{"language", "greeting", "offline_message"}]; the rules (tags, sizes,
// no language twice) are the service's.
std::optional<std::vector<core::SiteTexts>> read_translations(const boost::json::value& in,
                                                              std::string& error);

}  // namespace juttu::api
