# SPDX-License-Identifier: MIT
"""The EFI self-test passes on OVMF, the reference: a case OVMF fails is a bug in the case."""
import pytest

from ovmf_boot import build_disk, ovmf, selftest_files  # noqa: F401 (ovmf is a fixture)
from selftest_log import SelftestResult, required_cases

BOOT_TIMEOUT = 300  # OVMF under TCG boots in ~10 s here; the suite adds ~10 s more
PASSED_FLOOR = 75  # cases that exist today; a drop means cases were lost, not just failed


@pytest.fixture(scope="module")
def disk(tmp_path_factory):
    return build_disk(tmp_path_factory.mktemp("selftest") / "selftest.img", selftest_files())


def run_selftest(ovmf, disk, machine, extra=()):
    run = ovmf(disk, machine=machine, extra=extra)
    # The self-test ends with ResetSystem(EfiResetShutdown): QEMU exits by itself, status 0.
    rc = run.wait_exit(BOOT_TIMEOUT)
    result = SelftestResult(run.output)
    assert rc is not None, "QEMU still running after %d s\n%s" % (BOOT_TIMEOUT, run.log())
    assert result.tally is not None, "no 'N passed, N failed' line\n" + run.log()
    assert rc == 0, "QEMU exit status %s (not a clean shutdown)\n%s" % (rc, run.log())
    return run, result


def assert_all_passed(run, result):
    passed, failed = result.tally
    assert failed == 0 and not result.failed, "failed cases: %s\n%s" % (result.failed, run.log())
    assert passed == len(result.passed), "tally disagrees with PASS lines\n" + run.log()
    assert passed > PASSED_FLOOR, "only %d cases passed\n%s" % (passed, run.log())


def test_selftest_passes_every_case_on_ovmf_q35(ovmf, disk):
    run, result = run_selftest(ovmf, disk, "q35")
    assert_all_passed(run, result)
    assert "smbios: 2.x entry point" in run.output or "3.0 entry point" in run.output, run.log()


def test_selftest_checks_smbios3_entry_point_on_ovmf(ovmf, disk):
    run, result = run_selftest(ovmf, disk, "q35,smbios-entry-point-type=64")
    assert_all_passed(run, result)
    assert "smbios: 3.0 entry point" in run.output, run.log()


def test_selftest_passes_every_case_on_ovmf_pc(ovmf, disk):
    run, result = run_selftest(ovmf, disk, "pc")
    assert_all_passed(run, result)


def test_required_list_names_only_cases_that_exist(ovmf, disk):
    """Every name in required.txt is a case the self-test runs, so a typo cannot pass silently."""
    required = required_cases()
    assert len(required) == len(set(required)), "duplicates in required.txt"
    if not required:
        return
    run, result = run_selftest(ovmf, disk, "q35")
    unknown = [name for name in required if name not in result.cases()]
    assert not unknown, "required.txt lists unknown cases: %s" % unknown


def test_options_file_filters_and_skips_cases(ovmf, tmp_path):
    """\\selftest\\options.txt lets a boot path without LoadOptions choose and skip cases."""
    files = selftest_files()
    files["/selftest/options.txt"] = (b"# run the memory cases only, one of them skipped\n"
                                      b"only=memory.\nskip=memory.pool_refused\n")
    disk = build_disk(tmp_path / "options.img", files)
    run, result = run_selftest(ovmf, disk, "q35")
    assert set(result.skipped) == {"memory.pool_refused"}, run.log()
    assert result.passed and all(n.startswith("memory.") for n in result.passed), run.log()
    assert result.tally == (len(result.passed), 0), run.log()


def test_failing_case_is_reported_with_reason_and_counted(ovmf, tmp_path):
    """The harness itself: a failing case prints FAIL with its reason and counts in the tally."""
    files = selftest_files()
    files["/selftest/options.txt"] = b"only=s inject-failure\n"  # system_table.* and selftest.*
    disk = build_disk(tmp_path / "inject.img", files)
    run, result = run_selftest(ovmf, disk, "q35")
    assert list(result.failed) == ["selftest.injected_failure"], run.log()
    assert "injected by the inject-failure option" in result.failed["selftest.injected_failure"]
    assert all(n.startswith("system_table.") for n in result.passed), run.log()
    assert result.tally == (len(result.passed), 1), run.log()
