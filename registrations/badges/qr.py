"""The badge's QR code, as a matrix of modules to draw. The payload is the badge secret alone,
with medium error correction (survives a scuffed print).

qrcode picks the mask pattern the standard asks for (the one with the lowest penalty) by
building and scoring the whole symbol eight times in pure Python: about 8 ms a code, most of
a print run's time. `best_mask` scores the same eight candidates with the same rules (ISO/IEC
18004 section 7.8.3, as qrcode.util.lost_point counts them) on the symbol held as one integer
per reading direction, so each rule is a few shifts and bit counts: the same choice, about four
times faster. tests/registrations/badges/test_content.py checks that it chooses as qrcode does."""

from functools import cache

import qrcode
from qrcode.constants import ERROR_CORRECT_M


def qr_matrix(secret: str) -> list[list[bool]]:
    """The QR code's modules, row by row, without the quiet zone."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(secret)
    code.best_fit()
    code.makeImpl(False, best_mask(code))
    return code.get_matrix()


def best_mask(code: qrcode.QRCode) -> int:
    """The mask pattern qrcode's own best_mask_pattern() would choose for `code` (fitted)."""
    code.makeImpl(True, 0)  # test mode, as qrcode scores: format and version bits light
    shape = _shape(code.version)
    n = shape.size
    rows = _bits(cell for row in code.modules for cell in row)
    columns = _bits(code.modules[r][c] for c in range(n) for r in range(n))
    best, lowest = 0, None
    for mask in range(8):
        by_row, by_column = rows ^ shape.row_flips[mask], columns ^ shape.column_flips[mask]
        penalty = _penalty(by_row, shape) + _penalty(by_column, shape, columns=True)
        if lowest is None or penalty < lowest:
            best, lowest = mask, penalty
    return best


def _bits(cells) -> int:
    """Cells as one integer: cell k of the sequence is bit k."""
    return int("".join("1" if cell else "0" for cell in cells)[::-1], 2)


class _Shape:
    """What depends on the version only: the side, which bits each mask flips (data modules
    only), and which positions a window of 2, 5 or 11 modules may start at."""

    def __init__(self, version: int):
        n = self.size = version * 4 + 17
        self.all = (1 << n * n) - 1
        data = _data_modules(version)
        masks = [qrcode.util.mask_func(mask) for mask in range(8)]
        flips = [
            [
                bool((r, c) in data and masks[0](r, c) != masks[m](r, c))
                for r in range(n)
                for c in range(n)
            ]
            for m in range(8)
        ]
        self.row_flips = [_bits(flip) for flip in flips]
        self.column_flips = [
            _bits(flip[r * n + c] for c in range(n) for r in range(n)) for flip in flips
        ]

        def starts(width: int, height: int = 1) -> int:
            return _bits(r <= n - height and c <= n - width for r in range(n) for c in range(n))

        self.run = starts(5)
        self.block = starts(2, 2)
        self.finder = starts(11)


@cache
def _shape(version: int) -> _Shape:
    return _Shape(version)


def _data_modules(version: int) -> set[tuple[int, int]]:
    """The modules qrcode fills with data: those its function patterns leave empty."""
    probe = qrcode.QRCode(version=version, error_correction=ERROR_CORRECT_M)
    n = probe.modules_count = version * 4 + 17
    probe.modules = [[None] * n for _ in range(n)]
    probe.setup_position_probe_pattern(0, 0)
    probe.setup_position_probe_pattern(n - 7, 0)
    probe.setup_position_probe_pattern(0, n - 7)
    probe.setup_position_adjust_pattern()
    probe.setup_timing_pattern()
    probe.setup_type_info(True, 0)
    if version >= 7:
        probe.setup_type_number(True)
    return {(r, c) for r in range(n) for c in range(n) if probe.modules[r][c] is None}


FINDER_DARK = ((0, 2, 3, 4, 6), (4, 6, 7, 8, 10))  # 1011101 with four light modules after/before
FINDER_LIGHT = ((1, 5, 7, 8, 9, 10), (0, 1, 2, 3, 5, 9))


def _penalty(x: int, shape: _Shape, *, columns: bool = False) -> int:
    """The penalty of the symbol read along one direction (rows, or columns when the integer
    holds the symbol column by column): runs of five or more (rule 1) and finder-like patterns
    (rule 3); the 2 x 2 blocks (rule 2) and the balance of dark modules (rule 4) once, with the
    rows."""
    n, light = shape.size, x ^ shape.all
    penalty = 0
    for ink in (x, light):
        runs = ink & ink >> 1 & ink >> 2 & ink >> 3 & ink >> 4 & shape.run
        # A run of L >= 5 costs L - 2: one per window of five in it, plus two.
        penalty += runs.bit_count() + 2 * (runs & ~(runs << 1)).bit_count()
    for dark, blank in zip(FINDER_DARK, FINDER_LIGHT, strict=True):
        found = shape.finder
        for k in dark:
            found &= x >> k
        for k in blank:
            found &= light >> k
        penalty += 40 * found.bit_count()
    if not columns:
        for ink in (x, light):
            penalty += 3 * (ink & ink >> 1 & ink >> n & ink >> (n + 1) & shape.block).bit_count()
        percent = float(x.bit_count()) / (n * n)
        penalty += int(abs(percent * 100 - 50) / 5) * 10
    return penalty
