// The coordination floor an empty diasca is compared with, in microseconds
// per call: an 8-byte MPI_Allreduce (the figure the scaling goals are stated
// against); the engine's agreement, an MPI_Allreduce of six 8-byte words with
// a user-defined operation (one sum, five maxima); and the same six words
// through MPI_Iallreduce completed by polling MPI_Test, the non-blocking
// alternative. Median of several timed batches; every rank takes part, rank 0
// prints one line:
//   mpirun -n R kairos_allreduce_floor [ITERATIONS]
//   allreduce8_us=0.25 agreement6_us=0.27 iallreduce6_us=0.55
#include <mpi.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

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

constexpr int agreement_words = 6;

/// Word 0 sums, the others take the maximum, as the engine's agreement does.
void combine(void* in, void* inout, int* count, MPI_Datatype*) {
  const auto* from = static_cast<const std::uint64_t*>(in);
  auto* into = static_cast<std::uint64_t*>(inout);
  for (int e = 0; e < *count; ++e, from += agreement_words, into += agreement_words) {
    into[0] += from[0];
    for (int i = 1; i < agreement_words; ++i) into[i] = std::max(into[i], from[i]);
  }
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  const int iterations = argc > 1 ? std::atoi(argv[1]) : 20000;
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);

  std::uint64_t word = static_cast<std::uint64_t>(rank), word_out = 0;
  const double allreduce8 = median_microseconds(iterations, [&] {
    MPI_Allreduce(&word, &word_out, 1, MPI_UINT64_T, MPI_MAX, MPI_COMM_WORLD);
  });

  std::array<std::uint64_t, agreement_words> words{}, words_out{};
  words[1] = static_cast<std::uint64_t>(rank);
  MPI_Datatype type;
  MPI_Type_contiguous(agreement_words, MPI_UINT64_T, &type);
  MPI_Type_commit(&type);
  MPI_Op op;
  MPI_Op_create(&combine, 1, &op);
  const double agreement6 = median_microseconds(iterations, [&] {
    MPI_Allreduce(words.data(), words_out.data(), 1, type, op, MPI_COMM_WORLD);
  });

  const double iallreduce6 = median_microseconds(iterations, [&] {
    MPI_Request request;
    MPI_Iallreduce(words.data(), words_out.data(), agreement_words, MPI_UINT64_T, MPI_MAX, MPI_COMM_WORLD, &request);
    int done = 0;
    while (!done) MPI_Test(&request, &done, MPI_STATUS_IGNORE);
  });
  MPI_Op_free(&op);
  MPI_Type_free(&type);

  if (rank == 0)
    std::printf("allreduce8_us=%.3f agreement6_us=%.3f iallreduce6_us=%.3f\n", allreduce8, agreement6, iallreduce6);
  MPI_Finalize();
  return 0;
}
