// A blocking HTTP/1.1 request to the server's REST API (set-up only, never timed).
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <string>

namespace bench {

// Sends one request and returns the response body; throws std::runtime_error on a
// transport error or a status other than 2xx.
std::string http_request(const boost::asio::ip::tcp::endpoint& server, const std::string& method,
                         const std::string& target, const std::string& body,
                         const std::string& bearer_token = "");

// Logs in with the REST API and answers the key of the workspace's first site.
std::string demo_site_key(const boost::asio::ip::tcp::endpoint& server, const std::string& email,
                          const std::string& password);

}  // namespace bench
