/* The published headers of the four Community Notes input files, for
 * tests that write small inputs by hand. */
#ifndef DACC_TESTS_NOTES_TSV_HEADERS_H
#define DACC_TESTS_NOTES_TSV_HEADERS_H

static const char rating_header[] =
    "noteId\traterParticipantId\tcreatedAtMillis\tversion\tagree\tdisagree\thelpful\tnotHelpful"
    "\thelpfulnessLevel\thelpfulOther\thelpfulInformative\thelpfulClear\thelpfulEmpathetic"
    "\thelpfulGoodSources\thelpfulUniqueContext\thelpfulAddressesClaim\thelpfulImportantContext"
    "\thelpfulUnbiasedLanguage\tnotHelpfulOther\tnotHelpfulIncorrect"
    "\tnotHelpfulSourcesMissingOrUnreliable\tnotHelpfulOpinionSpeculationOrBias"
    "\tnotHelpfulMissingKeyPoints\tnotHelpfulOutdated\tnotHelpfulHardToUnderstand"
    "\tnotHelpfulArgumentativeOrBiased\tnotHelpfulOffTopic\tnotHelpfulSpamHarassmentOrAbuse"
    "\tnotHelpfulIrrelevantSources\tnotHelpfulOpinionSpeculation\tnotHelpfulNoteNotNeeded"
    "\tratedOnTweetId\tratingSourceBucketed\n";

static const char note_header[] =
    "noteId\tnoteAuthorParticipantId\tcreatedAtMillis\ttweetId\tclassification\tbelievable"
    "\tharmful\tvalidationDifficulty\tmisleadingOther\tmisleadingFactualError"
    "\tmisleadingManipulatedMedia\tmisleadingOutdatedInformation"
    "\tmisleadingMissingImportantContext\tmisleadingUnverifiedClaimAsFact\tmisleadingSatire"
    "\tnotMisleadingOther\tnotMisleadingFactuallyCorrect"
    "\tnotMisleadingOutdatedButNotWhenWritten\tnotMisleadingClearlySatire"
    "\tnotMisleadingPersonalOpinion\ttrustworthySources\tsummary\tisMediaNote"
    "\tisCollaborativeNote\n";

static const char history_header[] =
    "noteId\tnoteAuthorParticipantId\tcreatedAtMillis\ttimestampMillisOfFirstNonNMRStatus"
    "\tfirstNonNMRStatus\ttimestampMillisOfCurrentStatus\tcurrentStatus"
    "\ttimestampMillisOfLatestNonNMRStatus\tmostRecentNonNMRStatus\ttimestampMillisOfStatusLock"
    "\tlockedStatus\ttimestampMillisOfRetroLock\tcurrentCoreStatus\tcurrentExpansionStatus"
    "\tcurrentGroupStatus\tcurrentDecidedBy\tcurrentModelingGroup"
    "\ttimestampMillisOfMostRecentStatusChange\ttimestampMillisOfNmrDueToMinStableCrhTime"
    "\tcurrentMultiGroupStatus\tcurrentModelingMultiGroup\ttimestampMinuteOfFinalScoringOutput"
    "\ttimestampMillisOfFirstNmrDueToMinStableCrhTime\tabovePcrhThresholdTime\n";

static const char enrollment_header[] =
    "participantId\tenrollmentState\tsuccessfulRatingNeededToEarnIn"
    "\ttimestampOfLastStateChange\ttimestampOfLastEarnOut\tmodelingPopulation\tmodelingGroup"
    "\tnumberOfTimesEarnedOut\n";

#endif
