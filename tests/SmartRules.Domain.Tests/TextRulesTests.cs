using SmartRules.Domain.Rules;

namespace SmartRules.Domain.Tests;

/// <summary>The text checks every custom-field name of every update goes through.</summary>
public sealed class TextRulesTests
{
    public static TheoryData<string, bool> Texts() => new()
    {
        { "Segment", false },
        { "Région été 🎉", false },
        { "", false },
        { "tab\there", true },
        { "nul\0", true },
        { "\u001fstart", true },
        { "delete\u007f", true },
        { "\u0080 (a C1 control, allowed as before)", false },
        { "new\nline", true },
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void Control_characters_are_found(string text, bool expected) =>
        Assert.Equal(expected, TextRules.HasControlCharacters(text));

    [Fact]
    public void Checking_a_name_allocates_nothing()
    {
        // It runs for each custom field of each line: the import profile found it boxing a char per call.
        string[] names = ["Segment", "Plan", "Région", "delete\u007f", "x\ty"];
        foreach (var name in names) TextRules.HasControlCharacters(name);
        var start = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            foreach (var name in names) TextRules.HasControlCharacters(name);
            Assert.Null(TextRules.NameProblem("Segment", TextRules.MaxFieldNameLength));
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - start);
    }
}
