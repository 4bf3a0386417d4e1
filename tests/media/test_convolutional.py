"""The K=7 rate-1/2 convolutional code: the standard generators' impulse response, and soft Viterbi decoding that
corrects what a plain sign decision gets wrong."""

import numpy as np

from soundclone.media import convolutional


def test_the_impulse_response_is_the_generators_133_and_171():
    coded = convolutional.encode(np.array([1, 0, 0, 0, 0, 0, 0], dtype=np.uint8))
    assert "".join(map(str, coded[0::2][:7])) == "1011011"    # 133 octal
    assert "".join(map(str, coded[1::2][:7])) == "1111001"    # 171 octal
    assert coded.size == convolutional.coded_length(7) and not coded[14:].any()


def test_soft_decoding_corrects_noisy_codewords():
    rng = np.random.default_rng(5)
    hard_errors = 0
    for _ in range(20):
        bits = rng.integers(0, 2, 48).astype(np.uint8)
        signs = 1.0 - 2.0 * convolutional.encode(bits)
        received = signs + rng.normal(0, 0.6, signs.size)
        hard_errors += int(np.sum((received < 0) != (signs < 0)))
        assert np.array_equal(convolutional.decode(received), bits)
    assert hard_errors > 50     # the channel was noisy: the code, not luck, fixed it
