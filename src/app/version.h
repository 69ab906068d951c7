#ifndef PICKET_APP_VERSION_H_
#define PICKET_APP_VERSION_H_

#include <string_view>

namespace picket::app {

inline constexpr std::string_view kVersion = "0.1.0";

}  // namespace picket::app

#endif  // PICKET_APP_VERSION_H_
