using Xunit.Abstractions;
using Xunit.Sdk;

namespace SmartRules.AppHost.Tests;

/// <summary>Marks the test that ends the class's shared app (stopping it), so that it runs after the others.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RunsLastAttribute : Attribute;

/// <summary>Keeps xunit's order, except that <see cref="RunsLastAttribute"/> tests come last.</summary>
public sealed class RunsLastOrderer : ITestCaseOrderer
{
    public const string Name = "SmartRules.AppHost.Tests.RunsLastOrderer";

    public const string Assembly = "SmartRules.AppHost.Tests";

    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases)
        where TTestCase : ITestCase =>
        testCases.OrderBy(test => test.TestMethod.Method.GetCustomAttributes(typeof(RunsLastAttribute)).Any() ? 1 : 0);
}
