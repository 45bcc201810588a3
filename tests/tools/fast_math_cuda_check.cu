// core/fast_math.h on the CUDA device gives the host's bits: computes the output hash of
// tests/fast_math_output_hash.h in a kernel (one thread per input) and compares it with the host's
// and with the value tests/test_fast_math.cc holds. Needs a GPU; run by hand or from a GPU session:
//   nvcc -std=c++17 --expt-relaxed-constexpr -arch=sm_90 -I. tests/tools/fast_math_cuda_check.cu \
//        -o fast_math_cuda_check && ./fast_math_cuda_check
#include <cstdio>

#include "tests/fast_math_output_hash.h"

namespace {

constexpr unsigned long long kExpectedHash = 0xd80023227e914c88ull;  // tests/test_fast_math.cc

__global__ void hash_kernel(unsigned long long* hash) {
  const uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < mrtsim::fastmath::testing::kHashInputs)
    atomicAdd(hash, static_cast<unsigned long long>(mrtsim::fastmath::testing::output_hash_term(i)));
}

}  // namespace

int main() {
  unsigned long long* device_hash = nullptr;
  if (cudaMalloc(&device_hash, sizeof *device_hash) != cudaSuccess) {
    std::fprintf(stderr, "no CUDA device\n");
    return 2;
  }
  cudaMemset(device_hash, 0, sizeof *device_hash);
  constexpr uint32_t kThreads = 256;
  hash_kernel<<<(mrtsim::fastmath::testing::kHashInputs + kThreads - 1) / kThreads, kThreads>>>(device_hash);
  unsigned long long device = 0;
  cudaMemcpy(&device, device_hash, sizeof device, cudaMemcpyDeviceToHost);
  cudaFree(device_hash);
  unsigned long long host = 0;
  for (uint32_t i = 0; i < mrtsim::fastmath::testing::kHashInputs; ++i)
    host += mrtsim::fastmath::testing::output_hash_term(i);
  std::printf("fast_math output hash: device %016llx, host %016llx, expected %016llx\n", device, host, kExpectedHash);
  const bool same = device == host && host == kExpectedHash;
  std::printf("%s\n", same ? "IDENTICAL" : "MISMATCH");
  return same ? 0 : 1;
}
