using System.Globalization;

namespace SmartRules.Reliability.Tests;

/// <summary>Sizes of the scenarios, overridable through environment variables (README: SMARTRULES_KILL_RATE, …).</summary>
internal static class ScenarioSettings
{
    public static int Int(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : fallback;
}
