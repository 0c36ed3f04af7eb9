#pragma once
// Reconciliation of the desk's view of its orders with what the venues say
// they executed (their own ledgers, venue_executions). A break is an order
// whose executed quantity differs: a fill the desk refused or lost, a fill
// it counted twice, an execution for an order it never knew.
//
// Pure: both sides are given; the caller decides whose orders are in scope.

#include "actors/venue/venue.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace om {

struct execution_break {
  order_id id;
  quantity desk_qty;  // what the desk recorded as filled
  quantity venue_qty; // what the venues executed, summed over them
  std::string venues; // the venues that executed it, comma-separated
};

struct reconciliation {
  uint64_t orders_compared = 0; // in scope on either side
  uint64_t venue_fills = 0;     // executions the venues reported for them
  quantity venue_qty;           // executed quantity, summed
  quantity desk_qty;            // desk filled quantity, summed
  uint64_t out_of_scope = 0;    // venue executions for orders not in `desk`
  bool partial = false;         // a venue's ledger was truncated
  std::vector<execution_break> breaks;
};

/// `desk`: the desk's filled quantity per order id of the orders in scope
/// (orders with nothing filled may be left out). Venue executions of orders
/// not in `desk` are counted as out of scope, not breaks, unless
/// `all_in_scope` (every order on these venues is the desk's to answer for).
reconciliation reconcile(const std::map<uint64_t, quantity>& desk,
                         const std::vector<venue_executions>& venues, bool all_in_scope = false);

} // namespace om
