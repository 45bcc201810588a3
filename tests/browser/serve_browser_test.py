#!/usr/bin/env python3
"""End-to-end test of `mrtsim serve` in a real browser: headless Chromium driven by Selenium against a
server this test starts on a free loopback port (`--port 0`).

It fills the Liao et al. (2016) Table I design and compares the page's N with `mrtsim samplesize`,
uploads a per-day randomization-probability CSV (compared with `--rand-prob-file`), checks that an
invalid input shows the engine's message beside its field, runs a small check by simulation and reads
its result, sizes a binary-outcome design (compared with `mrtsim samplesize --outcome binary`) and runs
its check by simulation with a delayed effect, and reads the history. Screenshots of the main views go to OUTPUT_DIR.

Usage: serve_browser_test.py MRTSIM_BINARY OUTPUT_DIR
Exit status 77 (CTest: skipped) where Chromium or chromedriver is missing.
"""
import json
import math
import os
import pathlib
import shutil
import subprocess
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

SKIP = 77


def find_program(*names):
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    return None


class Page:
    """The calculator page in the browser, addressed by the form fields' names."""

    def __init__(self, driver, out_dir):
        self.driver = driver
        self.out_dir = out_dir

    def field(self, name):
        return self.driver.find_element(By.ID, "f-" + name)

    def type(self, name, value):
        element = self.field(name)
        element.clear()
        element.send_keys(str(value))

    def choose(self, name, value):
        Select(self.field(name)).select_by_value(value)

    def click_radio(self, name, value):
        self.driver.find_element(By.CSS_SELECTOR, f'input[name="{name}"][value="{value}"]').click()

    def text(self, element_id):
        return self.driver.find_element(By.ID, element_id).text

    def wait(self, condition, seconds=60, what="the page"):
        try:
            return WebDriverWait(self.driver, seconds, poll_frequency=0.1).until(lambda d: condition())
        except TimeoutException:
            self.screenshot("timeout")
            raise AssertionError(f"timed out waiting for {what}")

    def history_rows(self):
        return len(self.driver.find_elements(By.CSS_SELECTOR, "#history-table tbody tr"))

    def calculate(self):
        """Presses Calculate and returns the answer once the history has its row."""
        rows = self.history_rows()
        self.driver.find_element(By.ID, "calculate").click()
        self.wait(lambda: self.history_rows() > rows, what="the calculation")
        return self.text("answer-n")

    def screenshot(self, name):
        """The whole page, not only the window."""
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        self.driver.set_window_size(1280, max(900, height))
        time.sleep(0.2)
        self.driver.save_screenshot(str(self.out_dir / f"{name}.png"))


def mrtsim_json(binary, *arguments):
    done = subprocess.run([binary, *arguments, "--format", "json"], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def start_server(binary):
    server = subprocess.Popen([binary, "serve", "--port", "0", "--threads", "2"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    line = server.stdout.readline()
    if "http://" not in line:
        server.kill()
        raise AssertionError("mrtsim serve did not start: " + line + server.stderr.read())
    url = line[line.index("http://"):].split()[0]
    return server, url


def make_driver():
    options = webdriver.ChromeOptions()
    options.binary_location = find_program("chromium", "chromium-browser", "google-chrome")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1280,1000", "--force-device-scale-factor=1"):
        options.add_argument(argument)
    service = Service(executable_path=find_program("chromedriver"))
    return webdriver.Chrome(service=service, options=options)


TABLE_ONE = {"days": 42, "decisions_per_day": 5, "rand_prob": 0.4, "avail_mean": 0.7, "effect_mean": 0.1,
             "effect_initial": 0, "effect_day_max": 29, "alpha": 0.05, "power": 0.8}


def test_continuous(page, binary, out_dir):
    page.wait(lambda: page.text("version") != "", what="the server's version")
    for name in ("days", "decisions_per_day", "rand_prob", "alpha", "power"):
        page.type(name, TABLE_ONE[name])
    page.choose("avail_shape", "constant")
    page.type("avail_mean", TABLE_ONE["avail_mean"])
    page.choose("effect_shape", "quadratic")
    for name in ("effect_mean", "effect_initial", "effect_day_max"):
        page.type(name, TABLE_ONE[name])
    page.wait(lambda: "210 decision points" in page.text("total-decisions"), what="the live preview")
    n = int(page.calculate())
    cli = mrtsim_json(binary, "samplesize", "--days", "42", "--decisions-per-day", "5", "--rand-prob", "0.4",
                      "--effect", "quadratic", "--effect-mean", "0.1", "--effect-initial", "0", "--effect-max-day",
                      "29", "--availability", "constant", "--avail-mean", "0.7", "--power", "0.8")
    assert n == cli["n"] == 32, (n, cli["n"])
    power = float(page.text("answer-power"))
    assert abs(power - cli["power"]) < 1e-4, (power, cli["power"])
    assert page.driver.find_element(By.CSS_SELECTOR, "#curve svg"), "no power curve"
    levels = page.driver.find_elements(By.CSS_SELECTOR, "#power-levels tbody tr")
    assert len(levels) == 8 and levels[4].text.split() == ["0.80", "32"], [r.text for r in levels]
    page.screenshot("continuous_sample_size")

    # Upload a per-day CSV: a lower randomization probability in the second half of the study.
    csv = out_dir / "rand_prob_per_day.csv"
    csv.write_text("".join("0.4\n" if day < 21 else "0.25\n" for day in range(42)))
    page.click_radio("rand_prob_source", "file")
    page.field("rand_prob_file").send_keys(str(csv))
    n_file = int(page.calculate())
    cli = mrtsim_json(binary, "samplesize", "--days", "42", "--decisions-per-day", "5", "--rand-prob-file", str(csv),
                      "--effect", "quadratic", "--effect-mean", "0.1", "--effect-initial", "0", "--effect-max-day",
                      "29", "--availability", "constant", "--avail-mean", "0.7", "--power", "0.8")
    assert n_file == cli["n"] and n_file > 32, (n_file, cli["n"])
    page.wait(lambda: page.driver.find_element(By.CSS_SELECTOR, "#plot-rand_prob svg"), what="the probability plot")
    page.screenshot("continuous_uploaded_probabilities")
    page.click_radio("rand_prob_source", "constant")

    # An invalid input: the engine's message beside its field, and no answer.
    page.type("avail_mean", "1.5")
    page.driver.find_element(By.ID, "calculate").click()
    error = page.driver.find_element(By.ID, "err-avail_mean")
    page.wait(lambda: error.is_displayed() and "Average availability" in error.text, what="the field's error")
    assert "(0, 1]" in error.text, error.text
    assert page.field("avail_mean").get_attribute("aria-invalid") == "true"
    assert not page.driver.find_elements(By.ID, "answer-n"), "an answer is shown for an invalid design"
    page.screenshot("invalid_input")
    page.type("avail_mean", "0.7")
    page.wait(lambda: not error.is_displayed(), what="the error to clear")


def test_check(page):
    n = int(page.calculate())
    page.type("replicates", 400)
    page.type("seed", 7)
    page.choose("error", "ar1")
    page.type("error_phi", "0.3")
    page.driver.find_element(By.ID, "check-run").click()
    page.wait(lambda: page.driver.find_element(By.ID, "check-result").is_displayed(), seconds=300,
              what="the check by simulation")
    power = float(page.text("check-power"))
    power_se = float(page.text("check-power-se"))
    type1 = float(page.text("check-type1"))
    formula = float(page.text("check-formula-power"))
    assert 0 <= power <= 1 and 0 <= type1 <= 1 and power_se > 0, (power, type1, power_se)
    assert abs(power - formula) < 5 * power_se, (power, formula, power_se)
    assert f"N = {n}," in page.text("check-caption"), page.text("check-caption")
    assert "AR(1)" in page.text("check-caption")
    progress = page.driver.find_element(By.ID, "check-progress").get_attribute("value")
    assert float(progress) == 1.0, progress
    yaml = page.driver.execute_script("return document.getElementById('check-yaml').textContent")
    assert "type: liao2016" in yaml and "error: {type: ar1, phi: 0.3}" in yaml, yaml
    page.screenshot("check_by_simulation")


def test_binary(page, binary):
    page.click_radio("outcome", "binary")
    page.wait(lambda: page.field("spnc_shape").is_displayed(), what="the binary fields")
    page.type("days", 10)
    page.type("decisions_per_day", 3)
    page.choose("avail_shape", "constant")
    page.type("avail_mean", 0.8)
    page.type("rand_prob", 0.4)
    page.choose("spnc_shape", "log-quadratic")
    page.type("spnc_initial", 0.3)
    page.type("spnc_change_point", 10)
    page.type("spnc_change_value", 0.5)
    page.choose("rr_shape", "log-linear")
    page.type("rr_initial", 1.3)
    page.type("rr_final", 1.1)
    page.type("power", 0.8)
    page.wait(lambda: page.driver.find_element(By.CSS_SELECTOR, "#plot-spnc svg"), what="the SPNC plot")
    n = int(page.calculate())
    cli = mrtsim_json(binary, "samplesize", "--outcome", "binary", "--days", "10", "--decisions-per-day", "3",
                      "--avail-mean", "0.8", "--rand-prob", "0.4", "--spnc", "log-quadratic", "--spnc-initial", "0.3",
                      "--spnc-change-point", "10", "--spnc-change-value", "0.5", "--rr", "log-linear",
                      "--rr-initial", "1.3", "--rr-final", "1.1", "--allow-n-below-10")
    assert n == cli["n"] == 63, (n, cli["n"])
    assert not page.driver.find_element(By.ID, "check-result").is_displayed(), "the continuous check is still shown"
    page.screenshot("binary_sample_size")
    # The binary check: the cohn2023 model with a delayed effect, analysed by EMEE2.
    page.type("replicates", 200)
    page.type("delayed_effect", "0.2")
    page.driver.find_element(By.ID, "check-run").click()
    page.wait(lambda: page.driver.find_element(By.ID, "check-result").is_displayed(), seconds=300,
              what="the binary check by simulation")
    power, type1 = float(page.text("check-power")), float(page.text("check-type1"))
    assert 0 <= power <= 1 and 0 <= type1 <= 1, (power, type1)
    assert f"N = {n}," in page.text("check-caption") and "delayed effect 0.2" in page.text("check-caption"), \
        page.text("check-caption")
    yaml = page.driver.execute_script("return document.getElementById('check-yaml').textContent")
    assert "type: cohn2023" in yaml and "delayed_effect: 0.2" in yaml and "estimator: emee2" in yaml, yaml
    page.screenshot("binary_check_by_simulation")


def test_history(page):
    rows = page.history_rows()
    assert rows >= 5, rows
    csv = page.driver.execute_script("return historyCsv()").strip().split("\n")
    assert csv[0].startswith("time,outcome,kind,design"), csv[0]
    assert len(csv) == rows + 1, (len(csv), rows)
    assert any(",simulation," in line for line in csv), csv


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    binary, out_dir = sys.argv[1], pathlib.Path(sys.argv[2])
    missing = [name for name, found in (("chromium", find_program("chromium", "chromium-browser", "google-chrome")),
                                        ("chromedriver", find_program("chromedriver"))) if not found]
    if missing:
        print("serve browser test: skipped (missing " + ", ".join(missing) + ")")
        return SKIP
    out_dir.mkdir(parents=True, exist_ok=True)
    server, url = start_server(binary)
    driver = None
    try:
        driver = make_driver()
        driver.get(url)
        page = Page(driver, out_dir)
        test_continuous(page, binary, out_dir)
        test_check(page)
        test_binary(page, binary)
        test_history(page)
        page.screenshot("history")
        # Script errors only: the browser also logs every 4xx answer (the invalid input) as an error.
        console = [entry for entry in driver.get_log("browser")
                   if entry["level"] == "SEVERE" and "Failed to load resource" not in entry["message"]]
        assert not console, console
    finally:
        if driver:
            driver.quit()
        server.terminate()
        server.wait(timeout=30)
    print(f"serve browser test: passed; screenshots in {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
