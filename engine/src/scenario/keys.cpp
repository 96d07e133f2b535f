#include "scenario/keys.hpp"

#include <array>

namespace kairos {

namespace {
constexpr std::array<key_doc, 26> keys{{
    {"simulation", "tick", "duration or frequency", "\"1s\"", "length of one tick, e.g. \"20ms\" or \"100Hz\""},
    {"simulation", "stop", "duration", "none", "simulated time at which the run stops (ticks from then on are not run)"},
    {"simulation", "stop_tick", "integer", "none", "first tick not simulated (alternative to stop)"},
    {"simulation", "lookahead", "duration or 0", "0 (none)",
     "least delay of any message between placement groups (send_in); ranks then synchronise once per window of "
     "this length instead of once per diasca"},
    {"simulation", "seed", "integer", "0", "seed of every actor's random stream"},
    {"simulation", "mode", "string", "\"reproducible\"",
     "\"reproducible\": messages in canonical order; \"ergodic\": permuted by the receiver's stream"},
    {"simulation", "plugins", "array of strings", "[]", "model plugins to load, by name or path"},
    {"simulation", "output", "string", "\"out\"", "directory for results.h5 and summary.json (--output wins)"},
    {"probes", "select", "array of strings", "[\"*\"]", "glob patterns of the probes to record"},
    {"actors", "class", "string", "required", "registered actor class, e.g. \"soda.machine\""},
    {"actors", "count", "integer", "1 (or the rows of from)", "number of actors in this block (>= 0)"},
    {"actors", "from", "string", "none",
     "population file (.csv, or .h5 of 1-D datasets), relative to the scenario: one actor per row, one parameter "
     "per column"},
    {"actors", "name", "string", "none", "name of the single actor of the block, usable in references"},
    {"actors", "names", "array of strings", "none", "one name per actor of the block"},
    {"actors", "group", "string", "none", "name of the whole block, usable in references"},
    {"actors", "params", "table", "{}", "parameters shared by the block's actors"},
    {"actors", "per_actor", "table of arrays or tables", "{}",
     "parameters with one value per actor (an array), or for some actors by index in the block ({ 11 = 1 })"},
    {"actors", "placement", "string", "none", "placement hint: actors with the same hint share a rank"},
    {"checkpoint", "every_ticks", "integer", "0 (off)", "checkpoint at each multiple of this many ticks"},
    {"checkpoint", "every_wall", "duration", "none", "checkpoint every this much wall-clock time (rank 0's clock)"},
    {"checkpoint", "at_ticks", "array of integers", "[]", "checkpoint at the first tick boundary reaching each tick"},
    {"checkpoint", "auto_mtbf", "duration", "none",
     "mean time between failures: checkpoint at the Young/Daly interval sqrt(2 x measured cost x MTBF)"},
    {"checkpoint", "replicas", "integer", "0", "k: each shard is also stored on k other nodes"},
    {"checkpoint", "retention", "integer", "2", "committed checkpoints kept (at least 2)"},
    {"checkpoint", "ranks_per_node", "integer", "0 (host names)", "group ranks into virtual nodes of this size"},
    {"checkpoint", "dir", "string", "\"<output>/checkpoints/node{node}\"",
     "where each rank writes its shards; {node} (index), {host} (node name) and {rank} are replaced"},
}};
}  // namespace

std::span<const key_doc> engine_keys() { return keys; }

bool is_engine_key(std::string_view table, std::string_view key) {
  for (const key_doc& k : keys)
    if (k.table == table && k.key == key) return true;
  return false;
}

}  // namespace kairos
