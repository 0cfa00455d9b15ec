// Dates in the default locale (en-US), in UTC as workerd runs.
export const localeStrings = {
  async test() {
    const dates: Date[] = [new Date(0), new Date(Date.UTC(2024, 11, 25, 15, 4, 5)), new Date(Date.UTC(2024, 0, 9, 0, 30, 0)), new Date(Date.UTC(2023, 6, 4, 12, 0, 59)), new Date(NaN)];
    for (const d of dates) {
      console.log(d.toLocaleString(), "|", d.toLocaleDateString(), "|", d.toLocaleTimeString());
      console.log(d.toLocaleString("en-US"), "|", d.toLocaleString("en-US", { timeZone: "UTC" }));
    }
  },
};
