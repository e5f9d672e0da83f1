"""KL divergence between Gaussians (LV-1).

The closed form

.. math::

    \\mathrm{KL}(\\mathcal N(\\mu_1, \\Sigma_1) \\,\\|\\, \\mathcal N(\\mu_2, \\Sigma_2))
    = \\tfrac12\\bigl[\\operatorname{tr}(\\Sigma_2^{-1}\\Sigma_1)
      + (\\mu_2-\\mu_1)^T\\Sigma_2^{-1}(\\mu_2-\\mu_1) - d
      + \\ln(\\det\\Sigma_2/\\det\\Sigma_1)\\bigr]

is provided for explicit matrices (:func:`kl_normal`, :func:`kl_mvn`).  The expressions
of its derivation (assembled with their words by ``proofs/gaussian_kl.py``) come from
:func:`log_ratio_general`, :func:`quadratic_form_chain`, :func:`kl_chain` and the functions
after them: the expectation of the log-density ratio is computed from the Gaussian moments
``E x = mu``, ``E x x^T = Sigma + mu mu^T`` (:class:`GaussianExpectation`), never from the
closed form itself.  The independent numeric routes (:func:`exact_random_check`,
:func:`quadrature_checks`, :func:`monte_carlo_check`) return numbers only.

Positive-definite covariances are parametrised by their Cholesky factor
``Sigma = L L^T`` with ``L`` lower triangular with a positive diagonal
(:func:`cholesky_symbols`): every SPD matrix has exactly one such factor, so a
statement proved for symbolic ``L`` holds for every SPD matrix, and
``det Sigma = prod(L_ii)^2 > 0`` is visible to SymPy.

Examples
--------
>>> import sympy as sp
>>> kl_mvn(sp.Matrix([0, 0]), sp.eye(2), sp.Matrix([0, 0]), 2 * sp.eye(2))
-1/2 + log(4)/2
>>> kl_mvn([0], [[2, 1], [1, 2]], [0], sp.eye(2))
Traceback (most recent call last):
...
ValueError: mu1 has 1 entries but S1 is 2 x 2
"""
from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

__all__ = ["kl_normal", "kl_mvn", "check_spd", "GaussianExpectation", "expect",
           "cholesky_symbols", "SymbolicGaussian", "kl_general_formula", "kl_vae_prior_formula",
           "kl_1d_formula", "random_spd", "exact_random_check", "kl_by_moments",
           "kl_quadrature_1d", "kl_quadrature_2d", "kl_monte_carlo", "monte_carlo_check",
           "MonteCarloComparison", "QuadratureComparison", "quadrature_checks", "DIMS",
           "log_ratio_general", "quadratic_form_chain", "kl_chain", "OneDimIntegration",
           "one_dim_integration", "explicit_kl", "same_distribution", "one_dim_from_general",
           "special_covariances", "asymmetry_example", "similarity_to_symmetric",
           "eigenvalue_identities", "log_gap", "mahalanobis_squares", "clear_caches",
           "MAX_EXPLICIT_DIM"]

MAX_EXPLICIT_DIM = 4      # fully symbolic Cholesky check: d = 4 takes a few seconds, d = 5 minutes
_HALF = sp.Rational(1, 2)


# --------------------------------------------------------------------------- public API

def kl_normal(mu1, sigma1, mu2, sigma2):
    """KL(N(mu1, sigma1^2) || N(mu2, sigma2^2)), sigma the standard deviations.

    Parameters
    ----------
    mu1, mu2 : means (numbers or SymPy expressions).
    sigma1, sigma2 : standard deviations; a number that is not positive, or a
        symbol known to be non-positive, raises ``ValueError``.

    Examples
    --------
    >>> import sympy as sp
    >>> kl_normal(0, 1, 0, 1)
    0
    >>> kl_normal(0, 1, 1, 1)
    1/2
    >>> kl_normal(0, 1, 1, 2)
    -1/4 + log(2)
    >>> kl_normal(0, -1, 0, 1)
    Traceback (most recent call last):
    ...
    ValueError: sigma1 must be a positive standard deviation, got -1
    """
    mu1, sigma1, mu2, sigma2 = map(sp.sympify, (mu1, sigma1, mu2, sigma2))
    for name, s in (("sigma1", sigma1), ("sigma2", sigma2)):
        if s.is_positive is False or (s.is_number and s.is_extended_real is False):
            raise ValueError(f"{name} must be a positive standard deviation, got {s}")
    return sp.log(sigma2 / sigma1) + (sigma1**2 + (mu1 - mu2)**2) / (2 * sigma2**2) - sp.Rational(1, 2)


def check_spd(S, name: str = "S"):
    """Return ``S`` as a SymPy matrix; ``ValueError`` unless it is symmetric positive-definite.

    Numeric matrices are checked exactly (Sylvester's criterion: every leading
    principal minor positive).  For symbolic entries, symmetry is checked
    (the difference of mirrored entries must cancel to zero) and a diagonal
    entry known to be non-positive is rejected; positive-definiteness itself
    is the caller's assumption.

    Parameters
    ----------
    S : a square matrix (SymPy matrix or nested lists).
    name : how the error message calls it.

    Examples
    --------
    >>> check_spd([[2, 1], [1, 2]])
    Matrix([
    [2, 1],
    [1, 2]])
    >>> check_spd([[1, 2], [2, 1]])
    Traceback (most recent call last):
    ...
    ValueError: S is not positive-definite: its leading 2 x 2 minor is -3
    """
    try:
        M = sp.Matrix(S)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} is not a matrix: {exc}") from None
    if not M.is_square or M.rows == 0:
        raise ValueError(f"{name} must be a non-empty square matrix, got shape {M.shape}")
    for i in range(M.rows):
        for j in range(i):
            if sp.cancel(M[i, j] - M[j, i]) != 0:
                raise ValueError(f"{name} is not symmetric: entries ({i + 1}, {j + 1}) and "
                                 f"({j + 1}, {i + 1}) differ")
    if M.free_symbols:
        # symbolic: only what is cheap and decidable (a diagonal entry known not to be positive)
        for i in range(M.rows):
            if M[i, i].is_positive is False:
                raise ValueError(f"{name} is not positive-definite: diagonal entry {i + 1} is {M[i, i]}")
        return M
    for k in range(1, M.rows + 1):
        minor = M[:k, :k].det(method="bareiss")
        if not (minor.is_extended_real and minor.is_positive):
            raise ValueError(f"{name} is not positive-definite: its leading {k} x {k} minor is {minor}")
    return M


def _column(v, name):
    try:
        M = sp.Matrix(v)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} is not a vector: {exc}") from None
    if M.cols != 1:
        if M.rows == 1:
            M = M.T
        else:
            raise ValueError(f"{name} must be a vector, got shape {M.shape}")
    return M


def kl_mvn(mu1, S1, mu2, S2):
    """KL(N(mu1, S1) || N(mu2, S2)) for explicit SymPy column vectors and matrices.

    Parameters
    ----------
    mu1, mu2 : column vectors (or lists) of length d, numeric or symbolic.
    S1, S2 : d x d covariance matrices, symmetric positive-definite
        (checked exactly for numeric input, see :func:`check_spd`).

    Returns
    -------
    ``1/2 [tr(S2^-1 S1) + (mu2-mu1)^T S2^-1 (mu2-mu1) - d + ln(det S2 / det S1)]``

    Examples
    --------
    >>> import sympy as sp
    >>> kl_mvn(sp.Matrix([0, 0]), sp.eye(2), sp.Matrix([1, 0]), sp.eye(2))
    1/2
    >>> kl_mvn([0, 0], sp.eye(2), [0, 0], [[1, 0], [0, -1]])
    Traceback (most recent call last):
    ...
    ValueError: S2 is not positive-definite: its leading 2 x 2 minor is -1
    """
    mu1, mu2 = _column(mu1, "mu1"), _column(mu2, "mu2")
    S1, S2 = check_spd(S1, "S1"), check_spd(S2, "S2")
    for mu, S, names in ((mu1, S1, ("mu1", "S1")), (mu2, S2, ("mu2", "S2"))):
        if mu.rows != S.rows:
            raise ValueError(f"{names[0]} has {mu.rows} entries but {names[1]} is {S.rows} x {S.cols}")
    if S1.shape != S2.shape:
        raise ValueError(f"S1 is {S1.rows} x {S1.cols} but S2 is {S2.rows} x {S2.cols}")
    d = S1.shape[0]
    S2inv = S2.inv()
    dm = mu2 - mu1
    return sp.Rational(1, 2) * ((S2inv * S1).trace() + (dm.T * S2inv * dm)[0, 0] - d
                                + sp.log(S2.det() / S1.det()))


# --------------------------------------------------------------------------- expectation from moments

class GaussianExpectation(sp.Expr):
    """``E_{x ~ N(mu, S)}[f(x)]``, unevaluated until ``doit()``.

    ``doit()`` evaluates it from the first two moments only: ``f`` (after
    ``expand_log``, which SymPy applies only where its assumptions make it valid)
    must be a polynomial of degree <= 2 in ``x``; each monomial is replaced by
    its moment, ``x_i -> mu_i`` and ``x_i x_j -> S_ij + mu_i mu_j``.  Otherwise it
    stays unevaluated.

    Parameters
    ----------
    f : the integrand, an expression in the symbols ``x``.
    x : the variables (a sequence of symbols).
    mu : the mean (a sequence of the same length).
    S : the covariance matrix.

    Examples
    --------
    >>> import sympy as sp
    >>> x = sp.symbols('x1 x2', real=True)
    >>> m, s = sp.symbols('m s', real=True)
    >>> E = GaussianExpectation(x[0] * x[1] + x[0], x, (m, 0), sp.Matrix([[1, s], [s, 2]]))
    >>> E.doit()
    m + s
    """

    is_commutative = True

    def __new__(cls, f, x, mu, S):
        x, mu = sp.Tuple(*x), sp.Tuple(*mu)
        S = sp.ImmutableMatrix(S)
        if not (len(x) == len(mu) == S.rows == S.cols):
            raise ValueError(f"an expectation needs as many variables ({len(x)}) as mean entries "
                             f"({len(mu)}) and covariance rows ({S.rows})")
        return sp.Expr.__new__(cls, sp.sympify(f), x, mu, S)

    @property
    def variables(self):
        return self.args[1]

    @property
    def free_symbols(self):
        # the integration variables are bound: they are not parameters of the value
        f, x, mu, S = self.args
        return (f.free_symbols - set(x)) | mu.free_symbols | S.free_symbols

    @property
    def integrand(self):
        return self.args[0]

    def doit(self, deep=True, **hints):
        f, x, mu, S = self.args
        if deep:
            f = f.doit(deep=deep, **hints)
        value = _moments(f, x, mu, S)
        return self.func(f, x, mu, S) if value is None else value

    def _latex(self, printer):
        return r"\mathbb{E}\left[%s\right]" % printer._print(self.integrand)


def _moments(f, x, mu, S):
    g = sp.expand(sp.expand_log(f))
    position = {v: i for i, v in enumerate(x)}
    out = []
    for term in sp.Add.make_args(g):
        coeff, part = term.as_independent(*x, as_Add=False)
        indices = []
        for base, power in part.as_powers_dict().items():
            if base == 1:
                continue
            if base not in position or not (power.is_Integer and power >= 0):
                return None                     # not a polynomial in x
            indices += [position[base]] * int(power)
        if len(indices) > 2:
            return None                         # degree above 2: moments of order > 2 needed
        if not indices:
            moment = sp.Integer(1)
        elif len(indices) == 1:
            moment = mu[indices[0]]
        else:
            moment = S[indices[0], indices[1]] + mu[indices[0]] * mu[indices[1]]
        out.append(coeff * moment)
    return sp.Add(*out)


def expect(f, x, mu, S):
    """``E_{x ~ N(mu, S)}[f(x)]`` evaluated from the moments; ``ValueError`` if ``f`` is not quadratic.

    >>> import sympy as sp
    >>> x = sp.Symbol('x', real=True)
    >>> expect((x - 1)**2, [x], [0], [[3]])
    4
    """
    value = _moments(sp.sympify(f), sp.Tuple(*x), sp.Tuple(*mu), sp.ImmutableMatrix(S))
    if value is None:
        raise ValueError("the integrand is not a polynomial of degree <= 2 in the variables")
    return value


# --------------------------------------------------------------------------- symbolic Gaussians

def cholesky_symbols(d: int, letter: str):
    """A d x d lower-triangular matrix of symbols with a positive diagonal.

    >>> cholesky_symbols(2, 'l')
    Matrix([
    [l_11,    0],
    [l_21, l_22]])
    >>> [s.is_positive for s in cholesky_symbols(2, 'l')]
    [True, False, None, True]
    """
    if not isinstance(d, int) or d < 1:
        raise ValueError(f"the dimension must be a positive integer, got {d!r}")
    L = sp.zeros(d, d)
    for i in range(d):
        for j in range(i + 1):
            L[i, j] = sp.Symbol(f"{letter}_{i + 1}{j + 1}", positive=True) if i == j \
                else sp.Symbol(f"{letter}_{i + 1}{j + 1}", real=True)
    return L


def _vector(d, letter, sub=""):
    return sp.Matrix([sp.Symbol(f"{letter}_{sub}{i + 1}", real=True) for i in range(d)])


def _symmetric(d, letter):
    return sp.Matrix(d, d, lambda i, j: sp.Symbol(f"{letter}_{min(i, j) + 1}{max(i, j) + 1}",
                                                  real=True))


@dataclass(frozen=True)
class SymbolicGaussian:
    """N(mu, L L^T) with explicit (symbolic or numeric) mean and Cholesky factor.

    The inverse is formed as ``L^-T L^-1`` and the determinant as
    ``prod(L_ii)^2``, which keeps expressions small and their signs visible.

    >>> g = SymbolicGaussian.symbolic(2, 'l', 'mu', '1')
    >>> g.det
    l_11**2*l_22**2
    """

    mean: sp.Matrix
    factor: sp.Matrix

    @classmethod
    def symbolic(cls, d: int, letter: str, mean_letter: str, index: str):
        return cls(_vector(d, mean_letter, index + ","), cholesky_symbols(d, letter))

    @property
    def d(self) -> int:
        return self.factor.rows

    @property
    def cov(self):
        return self.factor * self.factor.T

    @property
    def cov_inv(self):
        Linv = self.factor.inv()
        return Linv.T * Linv

    @property
    def det(self):
        return sp.Mul(*[self.factor[i, i] for i in range(self.d)])**2

    def quad(self, x, A=None):
        """``(x - mu)^T S^-1 (x - mu)`` (or with the matrix ``A`` in place of ``S^-1``)."""
        v = sp.Matrix(x) - self.mean
        return (v.T * (self.cov_inv if A is None else A) * v)[0, 0]

    def density(self, x):
        d = self.d
        return (2 * sp.pi)**sp.Rational(-d, 2) * self.det**sp.Rational(-1, 2) * sp.exp(-self.quad(x) / 2)


def kl_by_moments(p1: SymbolicGaussian, p2: SymbolicGaussian, x=None):
    """``E_{p1}[ln p1(x) - ln p2(x)]`` evaluated from the moments of ``p1`` (not from the closed form).

    >>> import sympy as sp
    >>> p = SymbolicGaussian(sp.Matrix([0]), sp.Matrix([[1]]))
    >>> q = SymbolicGaussian(sp.Matrix([1]), sp.Matrix([[2]]))
    >>> sp.simplify(kl_by_moments(p, q) - kl_normal(0, 1, 1, 2))
    0
    """
    x = _vector(p1.d, "x") if x is None else sp.Matrix(x)
    f = sp.log(p1.density(x)) - sp.log(p2.density(x))
    return expect(f, list(x), list(p1.mean), p1.cov)


def _closed_form(p1: SymbolicGaussian, p2: SymbolicGaussian):
    """The closed form with the inverse and determinants taken from the Cholesky factors."""
    S2inv, dm = p2.cov_inv, p2.mean - p1.mean
    return _HALF * ((S2inv * p1.cov).trace() + (dm.T * S2inv * dm)[0, 0] - p1.d
                    + sp.log(p2.det / p1.det))


# --------------------------------------------------------------------------- named formulas

def kl_general_formula():
    """The closed form as a SymPy matrix expression in a symbolic dimension ``d``.

    The Mahalanobis term is written ``tr((mu2-mu1)^T Sigma2^-1 (mu2-mu1))``, the
    trace of a 1 x 1 matrix, so that the whole is a scalar expression.

    >>> sorted(map(str, kl_general_formula().free_symbols))
    ['Sigma_1', 'Sigma_2', 'd', 'mu_1', 'mu_2']
    """
    d = sp.Symbol("d", integer=True, positive=True)
    S1, S2 = sp.MatrixSymbol("Sigma_1", d, d), sp.MatrixSymbol("Sigma_2", d, d)
    m1, m2 = sp.MatrixSymbol("mu_1", d, 1), sp.MatrixSymbol("mu_2", d, 1)
    dm = m2 - m1
    return _HALF * (sp.Trace(S2.I * S1) + sp.Trace(dm.T * S2.I * dm) - d
                    + sp.log(sp.Determinant(S2) / sp.Determinant(S1)))


def kl_1d_formula():
    """KL(N(mu1, sigma1^2) || N(mu2, sigma2^2)) in the symbols mu1, mu2, sigma1, sigma2 (sigmas > 0).

    >>> kl_1d_formula()
    log(sigma2/sigma1) - 1/2 + (sigma1**2 + (mu1 - mu2)**2)/(2*sigma2**2)
    """
    mu1, mu2 = sp.symbols("mu1 mu2", real=True)
    s1, s2 = sp.symbols("sigma1 sigma2", positive=True)
    return kl_normal(mu1, s1, mu2, s2)


def kl_vae_prior_formula():
    """KL(N(mu, diag sigma^2) || N(0, I)) = 1/2 sum_i (sigma_i^2 + mu_i^2 - 1 - ln sigma_i^2), d symbolic.

    >>> kl_vae_prior_formula()
    Sum(-log(sigma[i]**2)/2 + mu[i]**2/2 + sigma[i]**2/2 - 1/2, (i, 1, d))
    """
    d = sp.Symbol("d", integer=True, positive=True)
    i = sp.Symbol("i", integer=True, positive=True)
    mu, sigma = sp.IndexedBase("mu", real=True), sp.IndexedBase("sigma", positive=True)
    return sp.Sum(_HALF * (sigma[i]**2 + mu[i]**2 - 1 - sp.log(sigma[i]**2)), (i, 1, d))


# --------------------------------------------------------------------------- exact random check

def _random_spd_fractions(d, rng):
    # integer entries keep the exact elimination fast; the means carry the denominators
    B = [[rng.randint(-3, 3) for _ in range(d)] for _ in range(d)]
    return [[Fraction(sum(B[i][k] * B[j][k] for k in range(d)) + (1 if i == j else 0))
             for j in range(d)] for i in range(d)]


def random_spd(d: int, rng: random.Random):
    """A random d x d symmetric positive-definite integer matrix ``B B^T + I``.

    >>> import random
    >>> S = random_spd(3, random.Random(0))
    >>> check_spd(S) == S
    True
    """
    F = _random_spd_fractions(d, rng)
    return sp.Matrix(d, d, lambda i, j: sp.Rational(F[i][j].numerator, F[i][j].denominator))


def _quadratic_monomials(mu, A):
    """Coefficients of ``(x - mu)^T A (x - mu)`` by monomial: keys (), (i,), (i, j) with i <= j.

    Entries are :class:`fractions.Fraction` (exact, and much faster than SymPy numbers here).
    """
    d = len(A)
    Amu = [sum(A[i][k] * mu[k] for k in range(d)) for i in range(d)]
    ATmu = [sum(A[k][i] * mu[k] for k in range(d)) for i in range(d)]
    out = {(): sum(mu[i] * Amu[i] for i in range(d))}
    for i in range(d):
        out[(i,)] = -(Amu[i] + ATmu[i])
        out[(i, i)] = A[i][i]
        for j in range(i + 1, d):
            out[(i, j)] = A[i][j] + A[j][i]
    return out


def _frac_inverse_det(A):
    """Inverse and determinant of an integer matrix (lists of integral Fractions), exactly.

    Fraction-free elimination over the integers (SymPy's ``DomainMatrix.inv_den``):
    ``A^-1 = N / den``.
    """
    from sympy.polys.matrices import DomainMatrix
    d = len(A)
    if any(v.denominator != 1 for row in A for v in row):
        raise ValueError("_frac_inverse_det expects an integer matrix")
    M = DomainMatrix([[sp.ZZ(int(v)) for v in row] for row in A], (d, d), sp.ZZ)
    N, den = M.inv_den()
    rows = N.to_list()
    det = int(M.det())
    return [[Fraction(int(rows[i][j]), int(den)) for j in range(d)] for i in range(d)], Fraction(det)


def exact_random_check(d: int, seed: int = 0):
    """Compare the moment route with the closed form at one random rational SPD pair, exactly.

    Both are ``r + 1/2 ln(a / b)`` with rationals ``r, a, b``; they agree when the
    rational parts are equal and the arguments of the logarithms are equal.
    Agreement at a random point is evidence (Schwartz-Zippel), not a proof: a
    result of this function is reported as ``checked``.

    Returns
    -------
    dict with ``d``, ``agree`` (bool), ``moments`` and ``closed`` (the two values).

    >>> exact_random_check(3, seed=1)['agree']
    True
    """
    if not isinstance(d, int) or d < 1:
        raise ValueError(f"the dimension must be a positive integer, got {d!r}")
    rng = random.Random(f"gaussian-kl/{seed}/{d}")
    F1, F2 = _random_spd_fractions(d, rng), _random_spd_fractions(d, rng)
    m1 = [Fraction(rng.randint(-9, 9), rng.randint(1, 5)) for _ in range(d)]
    m2 = [Fraction(rng.randint(-9, 9), rng.randint(1, 5)) for _ in range(d)]
    (S1inv, det1), (S2inv, det2) = _frac_inverse_det(F1), _frac_inverse_det(F2)
    # moment route: E[ln p1 - ln p2] = 1/2 ln(det2/det1) + E[-q1/2 + q2/2]; the quadratic
    # forms are read off monomial by monomial and each monomial replaced by its moment
    coeffs = {}
    for sign, mu, A in ((-1, m1, S1inv), (1, m2, S2inv)):
        for key, c in _quadratic_monomials(mu, A).items():
            coeffs[key] = coeffs.get(key, 0) + Fraction(sign, 2) * c
    rational = Fraction(0)
    for key, c in coeffs.items():
        if len(key) == 0:
            rational += c
        elif len(key) == 1:
            rational += c * m1[key[0]]
        else:
            i, j = key
            rational += c * (F1[i][j] + m1[i] * m1[j])
    moments = (rational, det2 / det1)
    # closed form: 1/2 [tr(S2^-1 S1) + dm^T S2^-1 dm - d + ln(det S2 / det S1)]
    dm = [b - a for a, b in zip(m1, m2)]
    trace = sum(S2inv[i][k] * F1[k][i] for i in range(d) for k in range(d))
    maha = sum(dm[i] * S2inv[i][k] * dm[k] for i in range(d) for k in range(d))
    closed = (trace / 2 + maha / 2 - Fraction(d, 2), det2 / det1)
    q = lambda f: sp.Rational(f.numerator, f.denominator)  # noqa: E731
    moments = (q(moments[0]), q(moments[1]))
    closed = (q(closed[0]), q(closed[1]))
    return {"d": d, "agree": moments == closed,
            "moments": moments[0] + sp.log(moments[1]) / 2, "closed": closed[0] + sp.log(closed[1]) / 2}


# --------------------------------------------------------------------------- quadrature

def kl_quadrature_1d(mu1, sigma1, mu2, sigma2, dps: int = 30):
    """The defining integral of KL(N(mu1, sigma1^2) || N(mu2, sigma2^2)) by mpmath quadrature.

    Independent of the closed form: the integrand ``p1 (ln p1 - ln p2)`` is
    evaluated pointwise and integrated over the real line (split at the mean).
    Returns an ``mpmath.mpf`` computed at ``dps`` digits.

    >>> import mpmath
    >>> float(kl_quadrature_1d(0, 1, 1, 2))   # ln 2 - 1/4
    0.4431471805599453
    """
    import mpmath
    with mpmath.workdps(dps + 10):
        m1, s1, m2, s2 = (mpmath.mpf(sp.Rational(v).p) / sp.Rational(v).q for v in (mu1, sigma1, mu2, sigma2))
        if s1 <= 0 or s2 <= 0:
            raise ValueError("standard deviations must be positive")

        def logpdf(x, m, s):
            return -mpmath.log(2 * mpmath.pi * s**2) / 2 - (x - m)**2 / (2 * s**2)

        def f(x):
            l1 = logpdf(x, m1, s1)
            return mpmath.exp(l1) * (l1 - logpdf(x, m2, s2))
        return mpmath.quad(f, [-mpmath.inf, m1 - 4 * s1, m1, m1 + 4 * s1, mpmath.inf])


def _gauss_hermite(n: int):
    """Nodes and weights of the n-point Gauss-Hermite rule (weight exp(-t^2)), Golub-Welsch, at mpmath precision."""
    import mpmath
    J = mpmath.matrix(n, n)
    for k in range(1, n):
        J[k, k - 1] = J[k - 1, k] = mpmath.sqrt(mpmath.mpf(k) / 2)
    nodes, vectors = mpmath.eigsy(J)
    return [nodes[i] for i in range(n)], [mpmath.sqrt(mpmath.pi) * vectors[0, i]**2 for i in range(n)]


def kl_quadrature_2d(mu1, S1, mu2, S2, dps: int = 25, nodes: int = 12):
    """The defining integral of the KL divergence of two 2-D Gaussians by Gauss-Hermite quadrature.

    The integral is taken in the whitened coordinates of ``p1``
    (``x = mu1 + L1 z``, ``L1`` its Cholesky factor, ``z ~ N(0, I)``) with a
    tensor-product Gauss-Hermite rule of ``nodes`` points per axis; the integrand
    ``ln p1(x) - ln p2(x)`` is evaluated pointwise from the two densities, never
    from the closed form.  (The rule is exact for polynomials of degree
    ``< 2 nodes`` times the Gaussian weight; the log-ratio is one of degree 2.)

    >>> import sympy as sp
    >>> v = kl_quadrature_2d([0, 0], sp.eye(2), [1, 0], sp.eye(2))
    >>> abs(v - 0.5) < 1e-20
    True
    """
    import mpmath
    S1, S2 = check_spd(S1, "S1"), check_spd(S2, "S2")
    if S1.shape != (2, 2) or S2.shape != (2, 2) or len(mu1) != 2 or len(mu2) != 2:
        raise ValueError("kl_quadrature_2d needs 2-vectors and 2 x 2 covariances")
    with mpmath.workdps(dps + 10):
        mp = lambda v: mpmath.mpf(sp.Rational(v).p) / sp.Rational(v).q  # noqa: E731
        m1, m2 = [mp(v) for v in mu1], [mp(v) for v in mu2]
        A = mpmath.matrix([[mp(S1[i, j]) for j in range(2)] for i in range(2)])
        B = mpmath.matrix([[mp(S2[i, j]) for j in range(2)] for i in range(2)])
        L, Ainv, Binv = mpmath.cholesky(A), A**-1, B**-1
        logdetA, logdetB = mpmath.log(mpmath.det(A)), mpmath.log(mpmath.det(B))

        def logpdf(x, m, inv, logdet):
            v = [x[0] - m[0], x[1] - m[1]]
            q = sum(v[i] * inv[i, j] * v[j] for i in range(2) for j in range(2))
            return -mpmath.log(2 * mpmath.pi) - logdet / 2 - q / 2

        t, w = _gauss_hermite(nodes)
        total = mpmath.mpf(0)
        for i in range(nodes):
            for j in range(nodes):
                z1, z2 = mpmath.sqrt(2) * t[i], mpmath.sqrt(2) * t[j]
                x = [m1[0] + L[0, 0] * z1, m1[1] + L[1, 0] * z1 + L[1, 1] * z2]
                total += w[i] * w[j] * (logpdf(x, m1, Ainv, logdetA) - logpdf(x, m2, Binv, logdetB))
        return total / mpmath.pi


# --------------------------------------------------------------------------- Monte Carlo

def kl_monte_carlo(mu1, S1, mu2, S2, n: int = 200_000, seed: int = 0):
    """Seeded Monte Carlo estimate of ``E_{x ~ p1}[ln p1(x) - ln p2(x)]``: ``(mean, standard error)``.

    Independent of the closed form: ``n`` points ``x = mu1 + L1 z`` (``L1`` the
    Cholesky factor of ``S1``, ``z`` standard normal from NumPy's generator seeded
    with ``seed``) and the log-density ratio evaluated pointwise from the two
    densities (floating point).

    Parameters
    ----------
    mu1, mu2 : mean vectors of length d.
    S1, S2 : d x d covariances (symmetric positive-definite, checked exactly).
    n : number of samples (at least 2).
    seed : seed of the NumPy generator.

    Examples
    --------
    >>> mean, se = kl_monte_carlo([0], [[1]], [1], [[1]], n=100_000, seed=1)
    >>> abs(mean - 0.5) < 4 * se < 0.02
    True
    """
    import numpy as np
    mu1, mu2 = _column(mu1, "mu1"), _column(mu2, "mu2")
    S1, S2 = check_spd(S1, "S1"), check_spd(S2, "S2")
    if not (mu1.rows == mu2.rows == S1.rows == S2.rows):
        raise ValueError("kl_monte_carlo needs means and covariances of one dimension")
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise ValueError(f"the number of samples must be an integer >= 2, got {n!r}")
    m1, m2 = (np.array(m, dtype=float).ravel() for m in (mu1, mu2))
    L1, L2 = (np.linalg.cholesky(np.array(S, dtype=float)) for S in (S1, S2))
    x = m1 + np.random.default_rng(seed).standard_normal((n, len(m1))) @ L1.T

    def logpdf(m, L):
        y = np.linalg.solve(L, (x - m).T)            # L^-1 (x - m): the whitened points
        return -0.5 * (y * y).sum(axis=0) - np.log(np.diag(L)).sum() - len(m) / 2 * np.log(2 * np.pi)
    ratio = logpdf(m1, L1) - logpdf(m2, L2)
    return float(ratio.mean()), float(ratio.std(ddof=1) / np.sqrt(n))


@dataclass(frozen=True)
class MonteCarloComparison:
    """The closed form against a seeded Monte Carlo estimate at one random pair (numbers only).

    ``passed`` when the closed form lies within 4 standard errors of the estimate.
    """

    d: int
    n: int
    seed: int
    estimate: float
    standard_error: float
    value: float

    @property
    def passed(self) -> bool:
        return bool(abs(self.estimate - self.value) < 4 * self.standard_error)

    @property
    def errors(self) -> float:
        """|estimate - closed form| in standard errors."""
        return abs(self.estimate - self.value) / self.standard_error


def monte_carlo_check(d: int = 5, seed: int = 0, n: int = 200_000, closed_form=kl_mvn) -> MonteCarloComparison:
    """Compare ``closed_form(mu1, S1, mu2, S2)`` with :func:`kl_monte_carlo` at a seeded random pair.

    The pair: rational means and integer SPD covariances (:func:`random_spd`) in
    dimension ``d``, drawn with ``seed``.

    >>> monte_carlo_check(d=2, n=20_000).passed
    True
    """
    if isinstance(d, bool) or not isinstance(d, int) or not 1 <= d <= 32:
        raise ValueError(f"the Monte Carlo dimension must be an integer from 1 to 32, got {d!r}")
    rng = random.Random(f"gaussian-kl/monte-carlo/{seed}/{d}")
    mean = lambda: [sp.Rational(rng.randint(-5, 5), rng.randint(1, 4)) for _ in range(d)]  # noqa: E731
    mu1, S1, mu2, S2 = mean(), random_spd(d, rng), mean(), random_spd(d, rng)
    estimate, se = kl_monte_carlo(mu1, S1, mu2, S2, n=n, seed=seed)
    return MonteCarloComparison(d, n, seed, estimate, se, float(closed_form(mu1, S1, mu2, S2)))


@dataclass(frozen=True)
class QuadratureComparison:
    """A quadrature of the defining integral against the closed form at one point (numbers only)."""

    d: int
    point: tuple          # (mu1, sigma1, mu2, sigma2) for d = 1; () for the random 2-D pair
    error: object         # |quadrature - closed form|, an mpmath number
    tolerance: float

    @property
    def passed(self) -> bool:
        return bool(self.error < self.tolerance)


@functools.lru_cache(maxsize=None)   # pure and immutable: computed once per process
def quadrature_checks(seed: int = 0) -> tuple:
    """One 1-D (mpmath tanh-sinh) and one 2-D (Gauss-Hermite) quadrature of the defining integral,
    each at a seeded random point, against the closed form.

    >>> [(c.d, c.passed) for c in quadrature_checks(0)]
    [(1, True), (2, True)]
    """
    import mpmath
    rng = random.Random(f"gaussian-kl/quadrature/{seed}")
    r = lambda lo, hi: sp.Rational(rng.randint(lo, hi), rng.randint(1, 4))  # noqa: E731
    m1, s1, m2, s2 = r(-8, 8), r(1, 8), r(-8, 8), r(1, 8)
    with mpmath.workdps(40):
        err1 = abs(kl_quadrature_1d(m1, s1, m2, s2, dps=30) - sp.N(kl_normal(m1, s1, m2, s2), 45))
    S1, S2 = random_spd(2, rng), random_spd(2, rng)
    mu1, mu2 = [r(-5, 5), r(-5, 5)], [r(-5, 5), r(-5, 5)]
    with mpmath.workdps(40):
        err2 = abs(kl_quadrature_2d(mu1, S1, mu2, S2, dps=25) - sp.N(kl_mvn(mu1, S1, mu2, S2), 45))
    return (QuadratureComparison(1, (m1, s1, m2, s2), err1, 1e-25),
            QuadratureComparison(2, (), err2, 1e-20))


# --------------------------------------------------------------------------- the derivation's expressions
#
# Each function below returns the expressions of one chain of the LV-1 derivation (its words
# live in proofs/).  A matrix identity that SymPy cannot decide for an abstract dimension is
# stated on explicit instances: one entry per dimension in ``dims``, stacked into a column, with
# every entry of every mean and Cholesky factor a free symbol.

DIMS = (1, 2, 3)          # the explicit instances of the general-d matrix steps


def _vec(items):
    return sp.ImmutableMatrix([[e] for e in items])


def _pair(d):
    return SymbolicGaussian.symbolic(d, "l", "mu", "1"), SymbolicGaussian.symbolic(d, "r", "mu", "2")


def log_ratio_general():
    """``(ln p1 - ln p2, 1/2 ln(D2/D1) - Q1/2 + Q2/2)`` for a symbolic ``d``, with the
    determinants ``D_i > 0`` and quadratic forms ``Q_i`` as atoms.

    >>> lhs, rhs = log_ratio_general()
    >>> sp.simplify(sp.expand_log(lhs - rhs))
    0
    """
    d = sp.Symbol("d", integer=True, positive=True)
    D1, D2 = sp.symbols("D_1 D_2", positive=True)
    Q1, Q2 = sp.symbols("Q_1 Q_2", real=True)
    density = lambda D, Q: (2 * sp.pi)**(-d / 2) * D**sp.Rational(-1, 2) * sp.exp(-Q / 2)  # noqa: E731
    return sp.log(density(D1, Q1)) - sp.log(density(D2, Q2)), _HALF * sp.log(D2 / D1) - Q1 / 2 + Q2 / 2


@functools.lru_cache(maxsize=None)
def quadratic_form_chain(dims=DIMS) -> tuple:
    """The five stages of ``E[(x-a)^T A (x-a)] = tr(A S) + (mu-a)^T A (mu-a)``, ``x ~ N(mu, S)``,
    ``A`` and ``S`` symmetric: each stage a column with one instance per dimension in ``dims``.

    >>> stages = quadratic_form_chain((1,))
    >>> len(stages), sp.expand(stages[0][0].doit() - stages[-1][0])
    (5, 0)
    """
    stages = [[] for _ in range(5)]
    for d in dims:
        x, mu, a = _vector(d, "x"), SymbolicGaussian.symbolic(d, "l", "mu", "1").mean, _vector(d, "a")
        A, S = _symmetric(d, "c"), _symmetric(d, "s")
        E = lambda f: GaussianExpectation(f, list(x), list(mu), S)  # noqa: E731,B023
        v = x - a
        for stage, value in zip(stages, (
                E((v.T * A * v)[0, 0]),
                E((A * v * v.T).trace()),
                (A * (v * v.T).applyfunc(E)).trace(),
                (A * (S + (mu - a) * (mu - a).T)).trace(),
                (A * S).trace() + ((mu - a).T * A * (mu - a))[0, 0])):
            stage.append(value)
    return tuple(map(_vec, stages))


@functools.lru_cache(maxsize=None)
def kl_chain(dims=DIMS) -> tuple:
    """The five stages from ``E_{p1}[ln p1 - ln p2]`` to the closed form, one instance per
    dimension in ``dims`` (covariances ``L_i L_i^T`` with symbolic Cholesky factors).

    >>> stages = kl_chain((1,))
    >>> len(stages)
    5
    """
    stages = [[] for _ in range(5)]
    for d in dims:
        x, (p1, p2) = _vector(d, "x"), _pair(d)
        E = lambda f: GaussianExpectation(f, list(x), list(p1.mean), p1.cov)  # noqa: E731,B023
        logdet = _HALF * sp.log(p2.det / p1.det)
        q1, q2, dm = p1.quad(x), p2.quad(x), p2.mean - p1.mean
        for stage, value in zip(stages, (
                E(sp.log(p1.density(x)) - sp.log(p2.density(x))),
                E(logdet - q1 / 2 + q2 / 2),
                logdet - E(q1) / 2 + E(q2) / 2,
                logdet - (p1.cov_inv * p1.cov).trace() / 2
                + ((p2.cov_inv * p1.cov).trace() + (dm.T * p2.cov_inv * dm)[0, 0]) / 2,
                _closed_form(p1, p2))):
            stage.append(value)
    return tuple(map(_vec, stages))


@dataclass(frozen=True)
class OneDimIntegration:
    """d = 1 by direct integration: the integrand, its expansion in powers of ``x - mu1``
    (coefficients ``c``), the sum of integrals, and the 1-D formula it equals."""

    integrand: sp.Expr
    expanded: sp.Expr
    split: sp.Expr
    coefficients: tuple
    integrals: sp.Expr
    target: sp.Expr


@functools.lru_cache(maxsize=None)
def one_dim_integration() -> OneDimIntegration:
    """The expressions of the d = 1 integration (see :class:`OneDimIntegration`).

    >>> len(one_dim_integration().coefficients)
    3
    """
    x = sp.Symbol("x", real=True)
    mu1, mu2 = sp.symbols("mu1 mu2", real=True)
    s1, s2 = sp.symbols("sigma1 sigma2", positive=True)
    p = lambda m, s: sp.exp(-(x - m)**2 / (2 * s**2)) / sp.sqrt(2 * sp.pi * s**2)  # noqa: E731
    ratio = sp.log(s2 / s1) - (x - mu1)**2 / (2 * s1**2) + (x - mu2)**2 / (2 * s2**2)
    # powers of (x - mu1): the central moments of p1 are what SymPy integrates quickly
    c = (sp.log(s2 / s1) + (mu1 - mu2)**2 / (2 * s2**2), (mu1 - mu2) / s2**2,
         1 / (2 * s2**2) - 1 / (2 * s1**2))
    return OneDimIntegration(
        integrand=p(mu1, s1) * (sp.log(p(mu1, s1)) - sp.log(p(mu2, s2))),
        expanded=p(mu1, s1) * ratio,
        split=sp.Add(*[c[k] * (x - mu1)**k * p(mu1, s1) for k in range(3)]),
        coefficients=c,
        integrals=sp.Add(*[c[k] * sp.Integral((x - mu1)**k * p(mu1, s1), (x, -sp.oo, sp.oo))
                           for k in range(3)]),
        target=kl_1d_formula())


@functools.lru_cache(maxsize=None)
def explicit_kl(d: int) -> tuple:
    """``(E_{p1}[ln p1 - ln p2] unevaluated, closed form, L1, L2)`` for dimension ``d`` with every
    mean entry and Cholesky entry a free symbol (``L1`` entries ``l_ij``, ``L2`` entries ``r_ij``).

    >>> E, closed, L1, L2 = explicit_kl(1)
    >>> sp.simplify(sp.expand_log(E.doit() - closed))
    0
    """
    p1, p2 = _pair(d)
    x = _vector(d, "x")
    E = GaussianExpectation(sp.log(p1.density(x)) - sp.log(p2.density(x)), list(x), list(p1.mean), p1.cov)
    return E, _closed_form(p1, p2), p1.factor, p2.factor


@functools.lru_cache(maxsize=None)
def same_distribution(dims=DIMS) -> tuple:
    """``(KL(p || p) per dimension in dims, zeros)``, and the same for a symbolic ``d`` with
    SymPy's matrix expressions: ``((lhs, rhs), (lhs_d, 0))``."""
    same = _vec([_closed_form(g, g) for g in (SymbolicGaussian.symbolic(k, "l", "mu", "1") for k in dims)])
    d = sp.Symbol("d", integer=True, positive=True)
    S = sp.MatrixSymbol("Sigma", d, d)
    general = _HALF * (sp.Trace(S.I * S) - d + sp.log(sp.Determinant(S) / sp.Determinant(S)))
    return (same, _vec([0] * len(dims))), (general, sp.Integer(0))


def one_dim_from_general() -> tuple:
    """``(the general formula at d = 1 with Sigma_i = sigma_i^2, the 1-D formula)``."""
    mu1, mu2 = sp.symbols("mu1 mu2", real=True)
    s1, s2 = sp.symbols("sigma1 sigma2", positive=True)
    one = SymbolicGaussian(sp.Matrix([mu1]), sp.Matrix([[s1]]))
    two = SymbolicGaussian(sp.Matrix([mu2]), sp.Matrix([[s2]]))
    return _closed_form(one, two), kl_1d_formula()


@functools.lru_cache(maxsize=None)
def special_covariances(dims=DIMS) -> dict:
    """The general formula against the familiar forms, one instance per dimension in ``dims``:
    ``{'diagonal': (lhs, rhs), 'isotropic': ..., 'vae_prior': ...}`` (diagonal ``diag(s_i^2)``,
    ``diag(t_i^2)``; isotropic ``s^2 I``, ``t^2 I``; the VAE posterior ``N(mu, diag s_i^2)``
    against the prior ``N(0, I)``)."""
    out = {name: ([], []) for name in ("diagonal", "isotropic", "vae_prior")}
    u, w = sp.symbols("s t", positive=True)
    for k in dims:
        a, b = _vector(k, "mu", "1,"), _vector(k, "mu", "2,")
        s = [sp.Symbol(f"s_{i + 1}", positive=True) for i in range(k)]
        t = [sp.Symbol(f"t_{i + 1}", positive=True) for i in range(k)]
        cases = {
            "diagonal": (SymbolicGaussian(a, sp.diag(*s)), SymbolicGaussian(b, sp.diag(*t)),
                         sp.Add(*[kl_normal(a[i], s[i], b[i], t[i]) for i in range(k)])),
            "isotropic": (SymbolicGaussian(a, u * sp.eye(k)), SymbolicGaussian(b, w * sp.eye(k)),
                          _HALF * (k * u**2 / w**2 + ((b - a).T * (b - a))[0, 0] / w**2 - k
                                   + 2 * k * sp.log(w / u))),
            "vae_prior": (SymbolicGaussian(a, sp.diag(*s)), SymbolicGaussian(sp.zeros(k, 1), sp.eye(k)),
                          _HALF * sp.Add(*[s[i]**2 + a[i]**2 - 1 - sp.log(s[i]**2) for i in range(k)])),
        }
        for name, (P, Q, familiar) in cases.items():
            out[name][0].append(_closed_form(P, Q))
            out[name][1].append(familiar)
    return {name: (_vec(lhs), _vec(rhs)) for name, (lhs, rhs) in out.items()}


def asymmetry_example() -> tuple:
    """``(KL(p||q), its value, KL(q||p), its value)`` for ``p = N(0, 1)``, ``q = N(1, 2^2)``,
    the 1-D formula left unevaluated (``Subs``) until checked.

    >>> pq, v_pq, qp, v_qp = asymmetry_example()
    >>> pq.doit() == v_pq, qp.doit() == v_qp
    (True, True)
    """
    mu1, mu2 = sp.symbols("mu1 mu2", real=True)
    s1, s2 = sp.symbols("sigma1 sigma2", positive=True)
    params = (mu1, s1, mu2, s2)
    return (sp.Subs(kl_1d_formula(), params, (0, 1, 1, 2)), sp.log(2) - sp.Rational(1, 4),
            sp.Subs(kl_1d_formula(), params, (1, 2, 0, 1)), 2 - sp.log(2))


@functools.lru_cache(maxsize=None)
def similarity_to_symmetric(dims=DIMS) -> tuple:
    """``(Sigma2^-1 Sigma1, L2^-T C L2^T)`` with ``C = B B^T``, ``B = L2^-1 L1``, the dimensions
    in ``dims`` as the blocks of one block-diagonal matrix."""
    lhs, rhs = [], []
    for k in dims:
        p1, p2 = _pair(k)
        L2inv = p2.factor.inv()
        B = L2inv * p1.factor
        lhs.append(p2.cov_inv * p1.cov)
        rhs.append(L2inv.T * (B * B.T) * p2.factor.T)
    return sp.ImmutableMatrix(sp.diag(*lhs)), sp.ImmutableMatrix(sp.diag(*rhs))


@functools.lru_cache(maxsize=None)
def eigenvalue_identities(dims=DIMS) -> tuple:
    """Two pairs ``(lhs, rhs)`` for each d in ``dims``, with ``P`` a symbolic matrix and ``lambda_i > 0``:
    trace and determinant of ``P diag(lambda) adj(P)`` (``= |P| P diag(lambda) P^-1``), and
    ``sum lambda_i - d - ln prod lambda_i = sum (lambda_i - 1 - ln lambda_i)``."""
    trdet, sums = ([], []), ([], [])
    for k in dims:
        P = sp.Matrix(k, k, lambda i, j: sp.Symbol(f"p_{i + 1}{j + 1}", real=True))
        lam = [sp.Symbol(f"lambda_{i + 1}", positive=True) for i in range(k)]
        B, detP = P * sp.diag(*lam) * P.adjugate(), P.det(method="berkowitz")
        trdet[0].extend([B.trace(), B.det(method="berkowitz")])
        trdet[1].extend([detP * sp.Add(*lam), detP**k * sp.Mul(*lam)])
        sums[0].append(sp.Add(*lam) - k - sp.log(sp.Mul(*lam)))
        sums[1].append(sp.Add(*[li - 1 - sp.log(li) for li in lam]))
    return (_vec(trdet[0]), _vec(trdet[1])), (_vec(sums[0]), _vec(sums[1]))


def log_gap() -> tuple:
    """``f(lambda) = lambda - 1 - ln lambda`` (``lambda > 0``), ``f''``, and ``(f(1), f'(1))`` unevaluated."""
    lam = sp.Symbol("lambda", positive=True)
    f = lam - 1 - sp.log(lam)
    return f, sp.diff(f, lam, 2), _vec([sp.Subs(f, lam, 1), sp.Subs(sp.diff(f, lam), lam, 1)])


@functools.lru_cache(maxsize=None)
def mahalanobis_squares(dims=DIMS) -> tuple:
    """``(delta^T Sigma2^-1 delta, |L2^-1 delta|^2)`` per d in ``dims``, and ``sum_{i<=d} z_i^2`` for a
    symbolic ``d`` (non-negative): ``((lhs, rhs), square_sum)``."""
    lhs, rhs = [], []
    for k in dims:
        p2 = SymbolicGaussian.symbolic(k, "r", "mu", "2")
        delta = _vector(k, "delta")
        lhs.append((delta.T * p2.cov_inv * delta)[0, 0])
        rhs.append(sp.Add(*[zi**2 for zi in p2.factor.inv() * delta]))
    i, d = sp.Symbol("i", integer=True, positive=True), sp.Symbol("d", integer=True, positive=True)
    z = sp.IndexedBase("z", real=True)
    return (_vec(lhs), _vec(rhs)), sp.Sum(z[i]**2, (i, 1, d))


def clear_caches():
    """Forget the cached expressions (pure functions of their arguments; for tests of determinism)."""
    for cached in (quadratic_form_chain, kl_chain, one_dim_integration, explicit_kl, same_distribution,
                   special_covariances, similarity_to_symmetric, eigenvalue_identities,
                   mahalanobis_squares, quadrature_checks):
        cached.cache_clear()
