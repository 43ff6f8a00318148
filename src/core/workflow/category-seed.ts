import type { CategoryDefinition, CategoryTree, HandlerRole } from './categories.ts';
import type { TimeLimit } from './deadlines.ts';
import type { Localized } from './stages.ts';

/**
 * The seeded category tree: the six standard event classes of GB/T 30428.2 (the numeric order of the classes
 * varies between cities; 突发事件 is 05 here as in the 大英县 table) plus 07 public health. Limits follow the
 * published 立结案标准 examples: street-order cases 3 urgent hours to handle and 1.5 working hours to check,
 * emergencies counted 24/7, structural work in working days.
 */

const wh = (amount: number): TimeLimit => ({ amount, unit: 'hours', calendar: 'working' });
const wd = (amount: number): TimeLimit => ({ amount, unit: 'days', calendar: 'working' });
const uh = (amount: number): TimeLimit => ({ amount, unit: 'hours', calendar: 'urgent' });
const ud = (amount: number): TimeLimit => ({ amount, unit: 'days', calendar: 'urgent' });

const t = (zh: string, en: string): Localized => ({ 'zh-CN': zh, en });

/** Filing and dispatch limits of ordinary cases: one working hour each at the command centre. */
const OFFICE_INTAKE = { file: wh(1), dispatch: wh(1) };
/** Emergencies and public-health requests are filed and dispatched within half an hour, day or night. */
const URGENT_INTAKE = { file: uh(0.5), dispatch: uh(0.5) };
const URGENT = { intake: 'urgent' } as const;

function minor(
  code: string,
  name: Localized,
  description: Localized,
  limits: Pick<CategoryDefinition['limits'], 'handle' | 'verify'> & Partial<CategoryDefinition['limits']>,
  department: string,
  keywords: string[],
  extra: { role?: HandlerRole; attributes?: CategoryDefinition['attributes']; intake?: 'office' | 'urgent' } = {},
): CategoryDefinition {
  const intake = extra.intake === 'urgent' ? URGENT_INTAKE : OFFICE_INTAKE;
  return {
    code,
    name,
    description,
    limits: { ...intake, ...limits },
    handler: { department, role: extra.role ?? 'grid_worker' },
    keywords,
    attributes: extra.attributes ?? [],
    active: true,
  };
}

export const SEED_CATEGORY_TREE: CategoryTree = {
  version: 1,
  departments: [
    { code: 'sanitation', name: t('环卫部门', 'Sanitation department') },
    { code: 'urban_management', name: t('城管执法部门', 'Urban management enforcement') },
    { code: 'market_regulation', name: t('市场监管部门', 'Market regulation') },
    { code: 'housing_construction', name: t('住房和城乡建设部门', 'Housing and construction') },
    { code: 'traffic_police', name: t('交警部门', 'Traffic police') },
    { code: 'municipal_roads', name: t('市政道路部门', 'Municipal roads') },
    { code: 'water_utility', name: t('供水公司', 'Water utility') },
    { code: 'drainage', name: t('排水部门', 'Drainage') },
    { code: 'gas_utility', name: t('燃气公司', 'Gas utility') },
    { code: 'fire_rescue', name: t('消防救援', 'Fire and rescue') },
    { code: 'landscaping', name: t('园林绿化部门', 'Parks and landscaping') },
    { code: 'ecology_environment', name: t('生态环境部门', 'Ecology and environment') },
    { code: 'community_office', name: t('社区居委会', 'Community office') },
    { code: 'health_commission', name: t('卫生健康部门', 'Health commission') },
    { code: 'disease_control', name: t('疾病预防控制中心', 'Disease control centre') },
  ],
  majors: [
    {
      code: '01',
      name: t('市容环境', 'City appearance'),
      description: t(
        '道路、绿地和公共场所的环境卫生与违法建设',
        'Cleanliness of streets, green space and public places; illegal structures',
      ),
      minors: [
        minor(
          '0101',
          t('暴露垃圾', 'Exposed garbage'),
          t('道路或公共场所暴露堆放的生活垃圾', 'Household waste left exposed on a street or in a public place'),
          { handle: wh(4), verify: wh(2) },
          'sanitation',
          ['garbage', 'rubbish', 'litter', '垃圾'],
        ),
        minor(
          '0102',
          t('道路不洁', 'Dirty road'),
          t('路面有明显污物、油污或积尘', 'Road surface with visible dirt, oil or dust'),
          { handle: wh(4), verify: wh(2) },
          'sanitation',
          ['dirty road', 'street cleaning', '路面', '保洁'],
        ),
        minor(
          '0103',
          t('违法建设', 'Illegal structure'),
          t('未经批准的私搭乱建', 'A structure built without a permit'),
          { handle: wd(10), verify: wd(1) },
          'urban_management',
          ['illegal building', 'structure', '违建', '私搭乱建'],
        ),
        minor(
          '0104',
          t('积存垃圾渣土', 'Accumulated waste and muck'),
          t('长期堆积的垃圾、建筑渣土', 'Long-standing heaps of waste or construction muck'),
          { handle: wd(2), verify: wh(4) },
          'sanitation',
          ['muck', 'construction waste', '渣土'],
        ),
        minor(
          '0105',
          t('乱堆物料', 'Materials piled in public space'),
          t('在道路或公共场所堆放物品、材料', 'Goods or materials piled on a street or in a public place'),
          { handle: wd(1), verify: wh(2) },
          'urban_management',
          ['piled materials', 'obstruction', '堆物', '堆料'],
        ),
        minor(
          '0106',
          t('绿地脏乱', 'Untidy green space'),
          t('绿地内有垃圾、杂物或踩踏损毁', 'Litter, debris or trampled plants in green space'),
          { handle: wd(1), verify: wh(2) },
          'landscaping',
          ['green space', 'park', '绿地'],
        ),
      ],
    },
    {
      code: '02',
      name: t('宣传广告', 'Advertising'),
      description: t('非法小广告和违规户外广告', 'Illegal flyers and non-compliant outdoor advertising'),
      minors: [
        minor(
          '0201',
          t('非法小广告', 'Illegal small ads'),
          t('张贴、涂写、刻画的非法小广告', 'Flyers, stencils or graffiti advertising posted without permission'),
          { handle: wd(1), verify: wh(2) },
          'urban_management',
          ['flyer', 'sticker', 'small ads', '小广告', '牛皮癣'],
        ),
        minor(
          '0202',
          t('违规户外广告', 'Non-compliant outdoor ad'),
          t('未经审批或破损的户外广告设施', 'Outdoor advertising without approval, or damaged'),
          { handle: wd(5), verify: wd(1) },
          'urban_management',
          ['billboard', 'outdoor ad', '户外广告'],
        ),
        minor(
          '0203',
          t('占道广告牌', 'Sign on the sidewalk'),
          t('占用人行道的立式广告牌、灯箱', 'Sandwich boards or light boxes standing on the pavement'),
          { handle: wh(4), verify: wh(2) },
          'urban_management',
          ['a-board', 'sign', 'sidewalk', '广告牌', '灯箱'],
        ),
        minor(
          '0204',
          t('违规横幅标语', 'Unauthorised banner'),
          t('未经批准悬挂的横幅、标语', 'Banners or slogans hung without approval'),
          { handle: wd(1), verify: wh(2) },
          'urban_management',
          ['banner', '横幅', '标语'],
        ),
      ],
    },
    {
      code: '03',
      name: t('施工管理', 'Construction'),
      description: t('施工现场及其对周边的影响', 'Construction sites and their effect on the neighbourhood'),
      minors: [
        minor(
          '0301',
          t('施工扰民', 'Construction noise'),
          t('夜间或休息时段施工噪声扰民', 'Construction noise at night or during rest hours'),
          { handle: uh(4), verify: wh(2) },
          'ecology_environment',
          ['noise', 'night work', '噪声', '夜间施工'],
        ),
        minor(
          '0302',
          t('施工占道', 'Construction blocking the road'),
          t('施工围挡、材料超范围占用道路', 'Site hoardings or materials occupying more road than permitted'),
          { handle: wd(1), verify: wh(2) },
          'housing_construction',
          ['road occupation', 'hoarding', '占道'],
        ),
        minor(
          '0303',
          t('工地扬尘', 'Dust from a site'),
          t('工地未覆盖、未洒水造成扬尘', 'Dust from an uncovered or unwatered site'),
          { handle: wd(1), verify: wh(2) },
          'housing_construction',
          ['dust', '扬尘'],
        ),
        minor(
          '0304',
          t('道路遗撒', 'Spillage from trucks'),
          t('渣土车辆运输遗撒', 'Muck or material spilled by trucks on the road'),
          { handle: wh(4), verify: wh(2) },
          'urban_management',
          ['spillage', 'muck truck', '遗撒'],
        ),
        minor(
          '0305',
          t('无证施工', 'Unpermitted construction'),
          t('未取得许可擅自施工', 'Building work started without a permit'),
          { handle: wd(3), verify: wd(1) },
          'housing_construction',
          ['permit', '无证施工'],
        ),
      ],
    },
    {
      code: '04',
      name: t('街面秩序', 'Street order'),
      description: t(
        '占道经营、游商和乱停放等街面秩序问题',
        'Street trading, unlicensed vending, parking and similar street order problems',
      ),
      minors: [
        minor(
          '0401',
          t('无照经营游商', 'Unlicensed vending'),
          t('流动商贩无照经营', 'Unlicensed mobile vendors'),
          { handle: uh(3), verify: wh(1.5) },
          'urban_management',
          ['vendor', 'hawker', '游商', '小贩'],
        ),
        minor(
          '0402',
          t('店外经营', 'Trading outside the shop'),
          t('商户超出门窗占道经营', 'Shops trading on the pavement outside their premises'),
          { handle: uh(3), verify: wh(1.5) },
          'urban_management',
          ['shop', 'pavement trading', '占道经营'],
        ),
        minor(
          '0403',
          t('机动车乱停放', 'Illegal parking'),
          t('机动车在禁停区域或人行道停放', 'Cars parked where parking is forbidden or on the pavement'),
          { handle: uh(3), verify: wh(1.5) },
          'traffic_police',
          ['parking', 'car', '乱停'],
        ),
        minor(
          '0404',
          t('露天烧烤', 'Open-air barbecue'),
          t('占道露天烧烤、油烟扰民', 'Barbecue stalls on the street, smoke nuisance'),
          { handle: uh(3), verify: wh(1.5) },
          'urban_management',
          ['barbecue', 'smoke', '烧烤'],
        ),
        minor(
          '0405',
          t('非法营运', 'Illegal taxi'),
          t('无营运资质车辆揽客', 'Unlicensed vehicles touting for passengers'),
          { handle: wd(1), verify: wh(2) },
          'traffic_police',
          ['illegal taxi', 'black cab', '黑车'],
        ),
      ],
    },
    {
      code: '05',
      name: t('突发事件', 'Emergencies'),
      description: t(
        '危及安全、需要立即处置的突发事件，按紧急工作时（7×24）计时',
        'Events that endanger safety and need immediate action; timed around the clock',
      ),
      minors: [
        minor(
          '0501',
          t('自来水管爆裂', 'Water main burst'),
          t('供水管道爆裂、漏水', 'A burst or leaking water pipe'),
          { handle: uh(3), verify: uh(1.5) },
          'water_utility',
          ['water pipe', 'burst', 'leak', '爆管'],
          URGENT,
        ),
        minor(
          '0502',
          t('路面塌陷', 'Road collapse'),
          t('道路塌陷、坑洞危及通行', 'A collapsed road or pothole that endangers traffic'),
          { handle: uh(3), verify: uh(1.5) },
          'municipal_roads',
          ['sinkhole', 'pothole', 'collapse', '塌陷'],
          URGENT,
        ),
        minor(
          '0503',
          t('道路积水', 'Flooded road'),
          t('降雨后道路、下穿通道积水', 'Water standing on a road or in an underpass after rain'),
          { handle: uh(2), verify: uh(1.5) },
          'drainage',
          ['flood', 'waterlogging', '积水', '内涝'],
          URGENT,
        ),
        minor(
          '0504',
          t('燃气泄漏', 'Gas leak'),
          t('燃气管道或设施泄漏', 'A leaking gas pipe or installation'),
          { handle: uh(1), verify: uh(1.5) },
          'gas_utility',
          ['gas', 'leak', 'smell of gas', '燃气'],
          URGENT,
        ),
        minor(
          '0505',
          t('火灾', 'Fire'),
          t('建筑、车辆或绿地起火', 'A building, vehicle or vegetation on fire'),
          { handle: uh(1), verify: uh(2) },
          'fire_rescue',
          ['fire', 'smoke', '火灾', '着火'],
          URGENT,
        ),
        minor(
          '0506',
          t('井盖缺失', 'Missing manhole cover'),
          t('井盖缺失或破损，有坠落危险', 'A missing or broken manhole cover that someone could fall into'),
          { handle: uh(3), verify: uh(1.5) },
          'municipal_roads',
          ['manhole', 'cover', '井盖'],
          URGENT,
        ),
      ],
    },
    {
      code: '06',
      name: t('其他事件', 'Other'),
      description: t('不属于以上类别的城市管理问题', 'City management problems outside the classes above'),
      minors: [
        minor(
          '0601',
          t('噪声扰民', 'Noise nuisance'),
          t('商业、娱乐或生活噪声扰民', 'Noise from businesses, entertainment or neighbours'),
          { handle: wd(1), verify: wh(4) },
          'ecology_environment',
          ['noise', '噪声', '扰民'],
        ),
        minor(
          '0602',
          t('流浪动物', 'Stray animals'),
          t('流浪犬猫聚集或伤人风险', 'Stray dogs or cats gathering or at risk of biting'),
          { handle: wd(2), verify: wh(4) },
          'urban_management',
          ['stray dog', 'stray cat', '流浪狗'],
        ),
        minor(
          '0603',
          t('公共设施损坏', 'Damaged public facility'),
          t('座椅、护栏、健身器材等损坏', 'Broken benches, railings, fitness equipment and similar'),
          { handle: wd(3), verify: wd(1) },
          'municipal_roads',
          ['broken', 'bench', 'railing', '设施损坏'],
        ),
        minor(
          '0699',
          t('其他', 'Other'),
          t('其他需要处理的问题', 'Any other problem that needs attention'),
          { handle: wd(3), verify: wd(1) },
          'community_office',
          ['other', '其他'],
        ),
      ],
    },
    {
      code: '07',
      name: t('公共卫生', 'Public health'),
      description: t(
        '疫情期间居民的隔离生活需求、防疫物资和就医求助，按紧急工作时（7×24）计时',
        'Needs of residents during an outbreak: quarantine needs, supplies and medical help; timed around the clock',
      ),
      minors: [
        minor(
          '0701',
          t('隔离居民生活需求', 'Quarantine household needs'),
          t(
            '居家隔离居民的生活物资、药品和垃圾清运需求',
            'Food, medicine and waste collection for a household in quarantine',
          ),
          { handle: uh(12), verify: ud(1) },
          'community_office',
          ['quarantine', 'food', 'delivery', '隔离', '生活物资'],
          {
            intake: 'urgent',
            attributes: [
              {
                code: 'needs',
                datatype: 'multivaluelist',
                required: true,
                label: t('需要什么', 'What is needed'),
                values: [
                  { key: 'food', name: t('食品', 'Food') },
                  { key: 'medicine', name: t('药品', 'Medicine') },
                  { key: 'water', name: t('饮用水', 'Drinking water') },
                  { key: 'waste', name: t('垃圾清运', 'Waste collection') },
                  { key: 'other', name: t('其他', 'Other') },
                ],
              },
              {
                code: 'household_size',
                datatype: 'number',
                required: false,
                label: t('户内人数', 'People in the household'),
                values: [],
              },
            ],
          },
        ),
        minor(
          '0702',
          t('防疫物资短缺', 'Shortage of supplies'),
          t('口罩、检测试剂、消毒用品等短缺', 'Masks, test kits, disinfectant or similar are running out'),
          { handle: ud(1), verify: ud(1) },
          'community_office',
          ['masks', 'test kits', 'disinfectant', '物资', '口罩'],
          {
            intake: 'urgent',
            attributes: [
              {
                code: 'supplies',
                datatype: 'multivaluelist',
                required: true,
                label: t('短缺物资', 'Supplies short'),
                values: [
                  { key: 'masks', name: t('口罩', 'Masks') },
                  { key: 'test_kits', name: t('抗原检测试剂', 'Antigen test kits') },
                  { key: 'disinfectant', name: t('消毒用品', 'Disinfectant') },
                  { key: 'thermometer', name: t('体温计', 'Thermometer') },
                  { key: 'other', name: t('其他', 'Other') },
                ],
              },
            ],
          },
        ),
        minor(
          '0703',
          t('就医求助', 'Medical help needed'),
          t(
            '封控或隔离期间需要就医、透析、产检或慢病用药；危及生命请直接拨打120',
            'Care needed during a lockdown or quarantine: dialysis, maternity, chronic medication, a hospital visit. If life is in danger, call 120 first',
          ),
          { file: uh(0.25), dispatch: uh(0.25), handle: uh(2), verify: ud(1) },
          'health_commission',
          ['hospital', 'dialysis', 'pregnant', 'medication', '就医', '透析', '孕产'],
          {
            role: 'health_officer',
            intake: 'urgent',
            attributes: [
              {
                code: 'care_type',
                datatype: 'singlevaluelist',
                required: true,
                label: t('需要的医疗服务', 'Care needed'),
                values: [
                  { key: 'dialysis', name: t('透析', 'Dialysis') },
                  { key: 'maternity', name: t('孕产', 'Pregnancy and childbirth') },
                  { key: 'chronic_medication', name: t('慢病用药', 'Chronic medication') },
                  { key: 'cancer_treatment', name: t('肿瘤治疗', 'Cancer treatment') },
                  { key: 'hospital_visit', name: t('门诊就医', 'Hospital or clinic visit') },
                  { key: 'other', name: t('其他', 'Other') },
                ],
              },
            ],
          },
        ),
        minor(
          '0704',
          t('上门采样需求', 'Home testing request'),
          t('行动不便居民需要上门核酸采样', 'People who cannot travel need a test taken at home'),
          { handle: ud(1), verify: ud(1) },
          'disease_control',
          ['testing', 'swab', 'PCR', '核酸', '采样'],
          {
            role: 'health_officer',
            intake: 'urgent',
            attributes: [
              {
                code: 'people_count',
                datatype: 'number',
                required: true,
                label: t('需采样人数', 'People to be tested'),
                values: [],
              },
            ],
          },
        ),
        minor(
          '0705',
          t('心理援助', 'Psychological support'),
          t('隔离期间需要心理疏导', 'A person in quarantine asks for psychological support'),
          { handle: ud(1), verify: ud(2) },
          'health_commission',
          ['mental health', 'counselling', '心理'],
          { ...URGENT, role: 'health_officer' },
        ),
        minor(
          '0706',
          t('隔离点环境卫生', 'Quarantine-site sanitation'),
          t(
            '隔离点、封控区的消杀和医疗废物清运',
            'Disinfection and medical waste collection at quarantine sites and sealed areas',
          ),
          { handle: uh(12), verify: ud(1) },
          'disease_control',
          ['disinfection', 'medical waste', '消杀', '医废'],
          { role: 'health_officer', intake: 'urgent' },
        ),
      ],
    },
  ],
};
