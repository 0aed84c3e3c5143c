// The queries of the catalogue (properties/prove.h), one file each: query_<name>.cpp.
#pragma once

#include "properties/prove.h"

namespace sbm {

QueryInfo next_balance_query();       // NB-1, query_next_balance.cpp
QueryInfo interval_bounds_query();    // INT-1, query_interval_bounds.cpp
QueryInfo balance_interval_query();   // BI-1, query_balance_interval.cpp
QueryInfo serialize_query();          // SER-1, query_serialize.cpp
QueryInfo lock_order_query();         // LOCK-1, query_lock_order.cpp
QueryInfo nohz_next_balance_query();  // NOHZ-2, query_nohz_next_balance.cpp
QueryInfo topo_builder_query();       // TOPO-*, query_topo_builder.cpp

}  // namespace sbm
