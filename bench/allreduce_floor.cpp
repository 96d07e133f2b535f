// The coordination floor an empty diasca is compared with, in microseconds
// per call: an 8-byte MPI_Allreduce (the figure the scaling goals are stated
// against); the engine's agreement alone, an MPI_Allreduce of its packed
// element at this rank count (engine/src/transport/packed_agreement.hpp,
// `agreement_words` 64-bit words) with its user-defined operation; and the
// same words through MPI_Iallreduce completed by polling MPI_Test, the
// non-blocking alternative; and the same words through the engine's
// reduction in memory shared on each node (transport/node_reduction.hpp, the
// default agreement). Median of several timed batches; every rank takes
// part, rank 0 prints one line:
//   mpirun -n R kairos_allreduce_floor [ITERATIONS]
//   allreduce8_us=0.42 agreement_us=0.42 agreement_words=1 iallreduce_us=1.2 node_us=0.14 nodes=1
#include <mpi.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "transport/node_reduction.hpp"
#include "transport/packed_agreement_op.hpp"

namespace {

template <class Operation>
double median_microseconds(int iterations, Operation operation) {
  constexpr int batches = 9;
  std::vector<double> per_call;
  for (int b = 0; b < batches; ++b) {
    MPI_Barrier(MPI_COMM_WORLD);
    const double start = MPI_Wtime();
    for (int i = 0; i < iterations; ++i) operation();
    per_call.push_back((MPI_Wtime() - start) / iterations * 1e6);
  }
  std::nth_element(per_call.begin(), per_call.begin() + batches / 2, per_call.end());
  return per_call[batches / 2];
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  const int iterations = argc > 1 ? std::atoi(argv[1]) : 20000;
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);

  std::uint64_t word = static_cast<std::uint64_t>(rank), word_out = 0;
  const double allreduce8 = median_microseconds(iterations, [&] {
    MPI_Allreduce(&word, &word_out, 1, MPI_UINT64_T, MPI_MAX, MPI_COMM_WORLD);
  });

  // A quiet diasca's element, as the engine packs it by default.
  const kairos::packed_agreement layout(ranks, ranks <= 64);
  const int length = static_cast<int>(layout.words());
  std::vector<std::uint64_t> words(layout.words()), words_out(words.size());
  kairos::diasca_report quiet;
  quiet.next_tick = 1;
  layout.pack(quiet, {}, 0, words);
  MPI_Datatype type;
  MPI_Type_contiguous(length, MPI_UINT64_T, &type);
  MPI_Type_commit(&type);
  MPI_Op op;
  MPI_Op_create(&kairos::combine_packed_agreements, 1, &op);
  const double agreement = median_microseconds(iterations, [&] {
    MPI_Allreduce(words.data(), words_out.data(), 1, type, op, MPI_COMM_WORLD);
  });

  const double iallreduce = median_microseconds(iterations, [&] {
    MPI_Request request;
    MPI_Iallreduce(words.data(), words_out.data(), 1, type, op, MPI_COMM_WORLD, &request);
    int done = 0;
    while (!done) MPI_Test(&request, &done, MPI_STATUS_IGNORE);
  });
  double node = 0;
  int nodes = 0;
  {
    kairos::node_reduction reduction(MPI_COMM_WORLD, layout.words(), &kairos::packed_agreement::combine, type, op);
    node = median_microseconds(iterations, [&] { reduction.all_reduce(words.data(), words_out.data()); });
    nodes = reduction.nodes();
  }
  MPI_Op_free(&op);
  MPI_Type_free(&type);

  if (rank == 0)
    std::printf("allreduce8_us=%.3f agreement_us=%.3f agreement_words=%d iallreduce_us=%.3f node_us=%.3f nodes=%d\n",
                allreduce8, agreement, length, iallreduce, node, nodes);
  MPI_Finalize();
  return 0;
}
